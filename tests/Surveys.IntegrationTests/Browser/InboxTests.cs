using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser;

/// <summary>
/// From a patient's page submission through RabbitMQ to the nurses' inbox in a real browser, where a
/// nurse acknowledges and resolves the alert.
/// </summary>
[NonParallelizable]
public class InboxTests : BrowserTest
{
    [Test]
    public async Task A_nurse_sees_a_patients_alert_in_the_inbox_acknowledges_and_resolves_it()
    {
        // The patient answers on the survey pages: a baseline, then a much worse PHQ-9 with item 9 answered.
        var patientId = await Platform.CreatePatientAsync();
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "phq9"), Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => i <= 4 ? 1 : 0));
        var token = await Platform.InviteAsync(patientId, "phq9");
        await using (var phone = await Browser.PhoneAsync(Platform.Intake.BaseAddress))
        {
            var patient = await phone.NewPageAsync();
            await patient.GotoAsync($"/s/{token}/q/1");
            foreach (var answer in new[] { 2, 2, 1, 2, 1, 1, 1, 0, 1 })
            {
                await patient.ClickAsync($"label[for='answer-{answer}']");
                await PressAsync(patient, "Continue");
            }

            await PressAsync(patient, "Continue");
            await PressAsync(patient, "Send answers");
            Assert.That(await patient.Locator("h1").InnerTextAsync(), Is.EqualTo("Answers sent"));
        }

        await RunningSystem.EventuallyAsync(
            async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!.Count, n => n >= 2, TimeSpan.FromSeconds(15));

        // The nurse signs in on the notifier with the platform account intake holds.
        await using var desk = await Browser.DesktopAsync(Platform.Notifier.BaseAddress);
        var page = await desk.NewPageAsync();
        await SignInThroughAsync(page, "/inbox", "nurse1", Platform.NursePassword, "/inbox");
        await ShotAsync(page, "11-inbox");
        await AssertAccessibleAsync(page, "inbox");

        var rows = page.Locator("#alerts tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.That(await rows.Nth(0).InnerTextAsync(), Does.Contain("urgent").IgnoreCase.And.Contain("Critical answer"), "most severe first");
        Assert.That(await rows.Nth(1).InnerTextAsync(), Does.Contain("high").IgnoreCase.And.Contain("Worse than baseline"));
        Assert.That(await page.Locator("#count-urgent").InnerTextAsync(), Is.EqualTo("1 open"));

        // A new alert arrives while the inbox is open: a notice appears without a reload.
        var other = await Platform.CreatePatientAsync();
        await Platform.SubmitAsync(await Platform.InviteAsync(other, "gold"), new Dictionary<string, int> { ["1"] = 7 });
        await page.Locator("#new-alerts").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 40_000 });
        await page.Locator("#alerts tbody tr").Nth(2).WaitForAsync(new() { Timeout = 10_000 });
        Assert.That(await page.Locator("#alerts tbody tr").CountAsync(), Is.EqualTo(3), "the new alert is in the list without a reload");
        await page.GotoAsync($"/inbox?patient={patientId}");

        await page.RunAndWaitForResponseAsync(() => rows.Nth(1).GetByRole(AriaRole.Link).First.ClickAsync(), r => r.Url.Contains("/inbox/alerts/", StringComparison.Ordinal));
        Assert.That(await page.Locator("#reason").InnerTextAsync(), Does.StartWith("PHQ-9 rose from 4 at baseline to 11: +7, threshold +5"));
        await Assertions.Expect(page.Locator("svg circle.chart-point")).ToHaveCountAsync(2); // the history is charted
        Assert.That(await page.Locator("svg text").AllTextContentsAsync(), Does.Contain("moderately severe"), "band thresholds are drawn");
        await ShotAsync(page, "12-alert");
        await AssertAccessibleAsync(page, "alert");

        await PressAsync(page, "Acknowledge");
        Assert.That(await page.Locator(".summary-list").InnerTextAsync(), Does.Contain("acknowledged by nurse1"));

        await PressAsync(page, "Resolve"); // no outcome chosen yet
        Assert.That(await page.Locator(".error-summary").InnerTextAsync(), Does.Contain("Choose the outcome"));
        await page.CheckAsync("#outcome-contacted_patient");
        await page.FillAsync("#note", "Phoned <b>Tuesday</b>; follow-up booked.");
        await PressAsync(page, "Resolve");
        Assert.That(await page.Locator(".summary-list").InnerTextAsync(), Does.Contain("resolved").And.Contain("Contacted the patient"));
        Assert.That(await page.Locator("#note-text").InnerTextAsync(), Is.EqualTo("Phoned <b>Tuesday</b>; follow-up booked."), "a note is shown as typed, never as markup");

        // The patient page: the history side by side and the alerts with their outcomes.
        await page.GotoAsync($"/inbox/patients/{patientId}");
        Assert.That(await page.InnerTextAsync("main"), Does.Contain("Contacted the patient: Phoned <b>Tuesday</b>"));
        await ShotAsync(page, "13-patient");
        await AssertAccessibleAsync(page, "patient");

        // The same through the API, and every action is in the audit trail.
        var alerts = (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!;
        Assert.That(alerts.Select(a => a!["status"]!.GetValue<string>()), Is.EquivalentTo(new[] { "open", "resolved" }));
        using var admin = new HttpClient { BaseAddress = Platform.Notifier.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", Platform.Tokens["admin"]);
        var audit = (await admin.GetFromJsonAsync<JsonArray>("/api/audit?actor=nurse1&limit=100"))!.Select(e => e!["action"]!.GetValue<string>()).ToList();
        Assert.That(audit, Is.SupersetOf(new[] { "sign_in", "alerts_view", "alert_view", "alert_acknowledge", "alert_resolve", "patient_view" }));
    }

    [Test]
    public async Task New_evidence_on_an_acknowledged_urgent_alert_reopens_it_in_the_inbox()
    {
        // Item 9 answered "several days"; a nurse acknowledges the alert; then "nearly every day" arrives.
        var patientId = await Platform.CreatePatientAsync();
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "phq9"), Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => i == 9 ? 1 : 0));
        var alerts = await RunningSystem.EventuallyAsync(
            async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!, a => a.Count > 0, TimeSpan.FromSeconds(15));
        var id = alerts.Single()!["id"]!.GetValue<Guid>();
        Assert.That((int)(await Platform.NotifierClient.PostAsync(new Uri($"/api/alerts/{id}/acknowledge", UriKind.Relative), null)).StatusCode, Is.EqualTo(204));
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "phq9"), Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => i == 9 ? 3 : 0));
        await RunningSystem.EventuallyAsync(
            async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonObject>($"/api/alerts/{id}"))!["alert"]!["status"]!.GetValue<string>(), s => s == "open", TimeSpan.FromSeconds(15));

        await using var desk = await Browser.DesktopAsync(Platform.Notifier.BaseAddress);
        var page = await desk.NewPageAsync();
        await SignInThroughAsync(page, $"/inbox?patient={patientId}", "nurse1", Platform.NursePassword, "/inbox");
        var row = page.Locator("#alerts tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        Assert.That(await row.InnerTextAsync(), Does.Contain("new evidence since it was acknowledged"));

        await page.RunAndWaitForResponseAsync(() => row.GetByRole(AriaRole.Link).First.ClickAsync(), r => r.Url.Contains("/inbox/alerts/", StringComparison.Ordinal));
        Assert.That(await page.Locator(".summary-list").InnerTextAsync(), Does.Contain("open — new evidence since it was acknowledged"));
        Assert.That(await page.InnerTextAsync("main"), Does.Not.Contain("self_harm_risk").And.Not.Contain("critical_item"), "plain words");
        await AssertAccessibleAsync(page, "alert-new-evidence");
        await PressAsync(page, "Acknowledge");
        Assert.That(await page.Locator(".summary-list").InnerTextAsync(), Does.Contain("acknowledged (acknowledged by nurse1").And.Not.Contain("new evidence"));
    }

    [Test]
    public async Task The_api_acknowledges_and_resolves_with_the_same_rules()
    {
        var patientId = await Platform.CreatePatientAsync();
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "gold"), new Dictionary<string, int> { ["1"] = 6 });
        var alerts = await RunningSystem.EventuallyAsync(
            async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!, a => a.Count > 0, TimeSpan.FromSeconds(10));
        var id = alerts.Single()!["id"]!.GetValue<Guid>();

        Assert.That((int)(await Platform.NotifierClient.PostAsync(new Uri($"/api/alerts/{id}/acknowledge", UriKind.Relative), null)).StatusCode, Is.EqualTo(204));
        var other = await Platform.NotifierClient.PostAsJsonAsync($"/api/alerts/{id}/resolve", new { outcome = "other" });
        Assert.That((int)other.StatusCode, Is.EqualTo(400), "'other' needs a note");
        Assert.That((int)(await Platform.NotifierClient.PostAsJsonAsync($"/api/alerts/{id}/resolve", new { outcome = "false_alarm", note = "Entered the wrong answer." })).StatusCode, Is.EqualTo(204));
        Assert.That((int)(await Platform.NotifierClient.PostAsJsonAsync($"/api/alerts/{id}/resolve", new { outcome = "false_alarm" })).StatusCode, Is.EqualTo(409));

        var details = (await Platform.NotifierClient.GetFromJsonAsync<JsonObject>($"/api/alerts/{id}"))!;
        Assert.That(details["alert"]!["outcome"]!.GetValue<string>(), Is.EqualTo("false_alarm"));
        Assert.That(details["evidence"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(details["evidence"]![0]!["reason"]!.GetValue<string>(), Does.Contain("total 6 is in the impaired range"));
    }
}
