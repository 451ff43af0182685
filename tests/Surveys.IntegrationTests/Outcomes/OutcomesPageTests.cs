using Microsoft.Playwright;
using Surveys.IntegrationTests.Browser;

namespace Surveys.IntegrationTests.Outcomes;

/// <summary>The outcomes page in a real browser: an admin signed in with a cookie sees the report, alert statistics included.</summary>
[NonParallelizable]
public class OutcomesPageTests : BrowserTest
{
    [Test]
    public async Task An_admin_reads_the_outcomes_page_with_the_notifiers_alert_statistics()
    {
        await using var desk = await Browser.DesktopAsync(Platform.Intake.BaseAddress);
        var page = await desk.NewPageAsync();
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                blocked.Add(message.Text);
            }
        };
        await SignInThroughAsync(page, "/staff/outcomes", "admin", Platform.AdminPassword, "/staff/outcomes");

        Assert.That(await page.Locator("#statement").InnerTextAsync(), Does.StartWith("Descriptive, not causal."));
        // A cookie session has no bearer token: intake issues one for the same account to ask the notifier.
        Assert.That(await page.Locator("#alert-rules").CountAsync(), Is.EqualTo(1), await page.ContentAsync());
        Assert.That(await page.Locator("#change-phq9").CountAsync(), Is.EqualTo(1));
        Assert.That(blocked, Is.Empty, "nothing on the page is blocked by the Content-Security-Policy");
        await ShotAsync(page, "30-outcomes");
        await AssertAccessibleAsync(page, "outcomes");
    }

    [Test]
    public async Task An_admin_downloads_the_research_export_and_its_dictionary_from_a_page()
    {
        await using var desk = await Browser.DesktopAsync(Platform.Intake.BaseAddress);
        var page = await desk.NewPageAsync();
        await SignInThroughAsync(page, "/staff/research", "admin", Platform.AdminPassword, "/staff/research");

        var link = page.GetByRole(AriaRole.Link, new() { Name = "phq9-export.csv" });
        Assert.That(await link.CountAsync(), Is.EqualTo(1), await page.ContentAsync());
        var export = await page.Context.APIRequest.GetAsync(await link.GetAttributeAsync("href") ?? "");
        var dictionary = await page.Context.APIRequest.GetAsync(
            await page.GetByRole(AriaRole.Link, new() { Name = "phq9-dictionary.csv" }).GetAttributeAsync("href") ?? "");
        Assert.Multiple(async () =>
        {
            Assert.That(export.Status, Is.EqualTo(200));
            Assert.That(export.Headers["content-type"], Does.StartWith("text/csv"));
            Assert.That(await export.TextAsync(), Does.StartWith("patient_id,"), "the page's link streams the same CSV as the API");
            Assert.That(dictionary.Status, Is.EqualTo(200));
            Assert.That(await dictionary.TextAsync(), Does.Contain("days_since_index"));
        });
        await AssertAccessibleAsync(page, "research");
    }
}
