using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download: ExecutablePath points at the system
/// browser; infra/test.sh installs the chromium package when it is missing).
/// </summary>
public sealed class BrowserFixture : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private BrowserFixture(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static string ExecutablePath => Environment.GetEnvironmentVariable("SURVEYS_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>Where screenshots of every page go (docs/screenshots holds a committed set).</summary>
    public static string ScreenshotDirectory => Environment.GetEnvironmentVariable("SURVEYS_SCREENSHOTS")
        ?? Path.Combine(ServiceProcess.RepositoryRoot(), "TestResults", "screenshots");

    public static async Task<BrowserFixture> StartAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new FileNotFoundException($"Chromium not found at {ExecutablePath}: run the tests with infra/test.sh, which installs Debian's chromium package.");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new BrowserFixture(playwright, browser);
    }

    /// <summary>A phone: 390 × 844, touch, as most patients will see the pages.</summary>
    public Task<IBrowserContext> PhoneAsync(Uri baseAddress) => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = baseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        DeviceScaleFactor = 2,
        IsMobile = true,
        HasTouch = true,
        JavaScriptEnabled = false,
    });

    /// <summary>
    /// A staff member's browser at <paramref name="width"/> px (390: a phone; 1280: a desk), with JavaScript on so that
    /// axe-core can run in the page (the pages themselves need none).
    /// </summary>
    public Task<IBrowserContext> StaffAsync(Uri baseAddress, int width) => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = baseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = width, Height = width <= 400 ? 844 : 900 },
        IsMobile = width <= 400,
        HasTouch = width <= 400,
        BypassCSP = true,
    });

    /// <summary>A desktop browser with JavaScript on (axe-core runs in the page; the pages themselves use none).</summary>
    public Task<IBrowserContext> DesktopAsync(Uri baseAddress) => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = baseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        BypassCSP = true,
    });

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
