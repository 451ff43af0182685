using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser;

/// <summary>What every browser test class shares: the running system, Chromium, screenshots, navigation and axe.</summary>
public abstract class BrowserTest
{
    protected RunningSystem Platform { get; private set; } = null!;

    protected BrowserFixture Browser { get; private set; } = null!;

    /// <summary>Settings (environment variables) the services of this class start with.</summary>
    protected virtual IDictionary<string, string>? Settings => null;

    /// <summary>
    /// Whether this class runs on the system it shares with the other browser classes (<see cref="BrowserSystem"/>): when it
    /// needs no settings of its own and is in the namespace that SetUpFixture stops.
    /// </summary>
    private bool SharesSystem => Settings is null && GetType().Namespace!.StartsWith(typeof(BrowserSystem).Namespace!, StringComparison.Ordinal);

    [OneTimeSetUp]
    public async Task StartSystemAndBrowserAsync()
    {
        Platform = SharesSystem ? await BrowserSystem.SharedAsync() : await RunningSystem.StartAsync(Settings);
        Browser = await BrowserFixture.StartAsync();
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
    }

    [OneTimeTearDown]
    public async Task StopSystemAndBrowserAsync()
    {
        await Browser.DisposeAsync();
        if (!SharesSystem)
        {
            await Platform.DisposeAsync();
        }
    }

    protected static async Task ShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"{name}.png"), FullPage = true });

    /// <summary>Presses a button and waits for the page it leads to (every form posts and is redirected).</summary>
    protected static Task PressAsync(IPage page, string button) =>
        NavigateByAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync());

    // Playwright marks this wait obsolete in favour of WaitForURL, but here the next address is not known in
    // advance (a valid answer moves on, an invalid one stays) and the click always navigates: it is exact.
#pragma warning disable CS0612
    /// <summary>Opens a staff page (the portal's: the only staff sign-in), checks it asks for a sign-in, signs in and checks the page it lands on.</summary>
    protected static async Task SignInThroughAsync(IPage page, string path, string userName, string password, string landsOn)
    {
        await page.GotoAsync(path);
        Assert.That(page.Url, Does.Contain("/signin"), $"{path} needs a sign-in");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", password);
        await PressAsync(page, "Sign in");
        Assert.That(page.Url, Does.Contain(landsOn));
    }

    protected static async Task NavigateByAsync(IPage page, Func<Task> action) => await page.RunAndWaitForNavigationAsync(action);
#pragma warning restore CS0612

    /// <summary>The widths every staff page is checked at: a phone's and a desk's.</summary>
    protected static readonly int[] StaffWidths = [390, 1280];

    /// <summary>
    /// A staff page as every one must be, at each of <see cref="StaffWidths"/>: no serious or critical axe violation and
    /// nothing scrolling sideways. The page is laid out again at each width (no new request) and left at its own.
    /// </summary>
    protected static async Task AssertGoodPageAsync(IPage page, string name)
    {
        var own = page.ViewportSize!;
        try
        {
            foreach (var width in StaffWidths)
            {
                await page.SetViewportSizeAsync(width, own.Height);
                await AssertAccessibleAsync(page, $"{name} at {width} px");
                Assert.That(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(width), $"{name} fits {width} px");
            }
        }
        finally
        {
            await page.SetViewportSizeAsync(own.Width, own.Height);
        }
    }

    /// <summary>A screenshot of the page at each of <see cref="StaffWidths"/>: <c>{name}-390.png</c>, <c>{name}-1280.png</c>.</summary>
    protected static async Task ShotAtEachWidthAsync(IPage page, string name)
    {
        var own = page.ViewportSize!;
        foreach (var width in StaffWidths)
        {
            await page.SetViewportSizeAsync(width, own.Height);
            await ShotAsync(page, $"{name}-{width}");
        }

        await page.SetViewportSizeAsync(own.Width, own.Height);
    }

    /// <summary>axe-core as Deque.AxeCore ships it (the same version and rules as its RunAxe).</summary>
    private static readonly Lazy<string> AxeSource = new(() => new BundledAxeScriptProvider().GetScript());

    /// <summary>
    /// axe-core finds no serious or critical violation on the page as it stands. axe-core is put into the page once (it
    /// stays there until the page navigates, so the second width reuses it) and run on the document for its violations
    /// only. Deque's RunAxe, used before, injected it afresh on every call and ran it frame by frame (runPartial, then
    /// finishRun): 2.5 to 4 seconds a call here against 0.1 to 1.5 (docs/testing.md). Same axe-core, same rules, same
    /// impact filter; this suite's pages have no frames.
    /// </summary>
    protected static async Task AssertAccessibleAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(AxeSource.Value);
        }

        var violations = await page.EvaluateAsync<string[]>(
            """
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}) ${v.help}`)
            """);
        Assert.That(violations.Select(v => $"{name}: {v}"), Is.Empty);
    }
}
