using Surveys.IntegrationTests.Browser;

namespace Surveys.IntegrationTests.Outcomes;

/// <summary>
/// The outcomes report from the staff portal's research page: the portal fetches it from intake as the signed-in admin,
/// intake passes the same person's token on to the notifier for the alert statistics, and the file opened in a browser
/// reads well and passes axe.
/// </summary>
[NonParallelizable]
public class OutcomesPageTests : BrowserTest
{
    [Test]
    public async Task An_admin_downloads_the_outcomes_report_from_the_portal_with_the_notifiers_alert_statistics()
    {
        await using var desk = await Browser.StaffAsync(Platform.Portal.BaseAddress, 1280);
        var page = await desk.NewPageAsync();
        await SignInThroughAsync(page, "/research", "admin", Platform.AdminPassword, "/research");

        var link = page.Locator("a[href^='/research/files/outcomes-report?protocol=']").First;
        var download = await desk.APIRequest.GetAsync(await link.GetAttributeAsync("href") ?? "");
        Assert.That(download.Status, Is.EqualTo(200));
        Assert.That(download.Headers["content-disposition"], Does.Contain("outcomes-report.html"));

        var report = await desk.NewPageAsync();
        await report.SetContentAsync(await download.TextAsync());
        Assert.That(await report.Locator("#statement").InnerTextAsync(), Does.StartWith("Descriptive, not causal."));
        // Alert statistics need the notifier: intake asked it with the admin's own token, which the portal signed.
        Assert.That(await report.Locator("#alert-rules").CountAsync(), Is.EqualTo(1), await report.ContentAsync());
        Assert.That(await report.Locator("#change-phq9").CountAsync(), Is.EqualTo(1));
        await ShotAsync(report, "30-outcomes");
        await AssertAccessibleAsync(report, "outcomes report");

        var audited = await Platform.CountAsync("intake", "SELECT COUNT(*) FROM audit_events WHERE action = 'outcomes_report' AND actor = 'admin'");
        Assert.That(audited, Is.GreaterThanOrEqualTo(1), "the download is in the audit trail under the admin's name");
    }
}
