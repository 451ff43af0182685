using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser.Portal;

/// <summary>
/// An urgent alert nobody acknowledges although every escalation contact was told (docs/nurses.md): the portal says so
/// on the alert and in the list, as the notifier's old inbox did, until a nurse acknowledges it. Escalation here takes
/// seconds, not the 15 minutes of the default.
/// </summary>
[NonParallelizable]
public class UnacknowledgedAlertTests : BrowserTest
{
    protected override IDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Alerting__UrgentAcknowledgeWithin"] = "00:00:02",
        ["Alerting__PollInterval"] = "00:00:01",
    };

    [Test]
    public async Task An_urgent_alert_past_the_last_escalation_level_says_every_contact_was_told()
    {
        var patientId = await Platform.CreatePatientAsync();
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "phq9"), Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => i == 9 ? 1 : 0));
        // The two development contacts are told two seconds apart; two seconds later the alert is past the last level.
        var alert = await RunningSystem.EventuallyAsync(
            async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!.FirstOrDefault(),
            a => a?["pastLastLevelAt"] is JsonValue, TimeSpan.FromSeconds(30));
        Assert.That(alert?["pastLastLevelAt"], Is.Not.Null, alert?.ToJsonString());
        var id = alert!["id"]!.GetValue<Guid>();

        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, 390);
        var page = await context.NewPageAsync();
        await SignInThroughAsync(page, $"/alerts?q={patientId.ToString()[..8]}", "nurse1", Platform.NursePassword, "/alerts");
        var card = page.Locator("#alerts > li");
        await Assertions.Expect(card).ToHaveCountAsync(1);
        Assert.That(await card.InnerTextAsync(), Does.Contain("Waiting for a nurse, not acknowledged although every escalation contact was told"));
        await AssertGoodPageAsync(page, "alerts, one past the last level");

        await NavigateByAsync(page, () => card.GetByRole(AriaRole.Link).First.ClickAsync());
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo($"/alerts/{id}"));
        Assert.That(await page.Locator("#status").InnerTextAsync(), Does.Contain("not acknowledged although every escalation contact was told"));
        await AssertGoodPageAsync(page, "alert past the last level");

        await PressAsync(page, "Acknowledge");
        Assert.That(await page.Locator("#status").InnerTextAsync(), Does.Contain("by nurse1").And.Not.Contain("every escalation contact was told"));
    }
}
