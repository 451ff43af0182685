using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser.Portal;

/// <summary>
/// From a patient's page submission through RabbitMQ to the staff portal's alerts in a real browser (issue 21: the
/// notifier's old /inbox pages are gone): the counts, a new alert announced without a reload, the filters, the alert
/// with its evidence and charted history, acknowledge and resolve, the patient's page and the audit trail.
/// </summary>
[NonParallelizable]
public class AlertInboxTests : BrowserTest
{
    [Test]
    public async Task A_nurse_sees_a_patients_alerts_on_the_portal_acknowledges_and_resolves_them()
    {
        // The patient answers on the survey pages: a baseline, then a much worse PHQ-9 with item 9 answered.
        var patientId = await Platform.CreatePatientAsync();
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "phq9"), Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => i <= 4 ? 1 : 0));
        await RunningSystem.EventuallyAsync(
            async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/patients/{patientId}/scores"))!.Count, n => n >= 1, TimeSpan.FromSeconds(30));
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

        // The nurse signs in on the portal with the platform account intake holds.
        await using var desk = await Browser.StaffAsync(Platform.Portal.BaseAddress, 1280);
        var page = await desk.NewPageAsync();
        await SignInThroughAsync(page, "/alerts", "nurse1", Platform.NursePassword, "/alerts");
        await ShotAsync(page, "portal-inbox-counts");
        await AssertGoodPageAsync(page, "alerts with counts");

        // The counts: every unresolved alert at each severity, as the notifier counts them.
        var unresolved = (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>("/api/alerts"))!.Where(a => a!["status"]!.GetValue<string>() != "resolved").ToList();
        foreach (var severity in new[] { "urgent", "high", "routine" })
        {
            Assert.That(await page.Locator($"#count-{severity}").InnerTextAsync(),
                Is.EqualTo($"{unresolved.Count(a => a!["severity"]!.GetValue<string>() == severity)} not resolved"), severity);
        }

        Assert.That(await page.Locator("#count-urgent").InnerTextAsync(), Is.Not.EqualTo("0 not resolved"), "this patient's critical answer is counted");

        // A new alert arrives while the list is open: a notice appears and the list grows, without a reload.
        var cards = page.Locator("#alerts > li");
        var before = await cards.CountAsync();
        Assert.That(await page.Locator("#new-alerts").IsHiddenAsync(), Is.True, "no notice before anything arrives");
        await page.EvaluateAsync("() => { window.stillTheSamePage = true; }");
        var other = await Platform.CreatePatientAsync();
        await Platform.SubmitAsync(await Platform.InviteAsync(other, "gold"), new Dictionary<string, int> { ["1"] = 7 });
        await page.Locator("#new-alerts").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 40_000 });
        await Assertions.Expect(cards).ToHaveCountAsync(before + 1, new() { Timeout = 10_000 });
        Assert.That(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), Is.True, "the new alert is in the list without a reload");

        // This patient's alerts: most severe first.
        var prefix = patientId.ToString()[..8];
        await page.GotoAsync($"/alerts?q={prefix}");
        await Assertions.Expect(cards).ToHaveCountAsync(2);
        Assert.That(await cards.Nth(0).InnerTextAsync(), Does.Contain("Urgent").IgnoreCase.And.Contain("Critical answer"), "most severe first");
        Assert.That(await cards.Nth(1).InnerTextAsync(), Does.Contain("High").IgnoreCase.And.Contain("Worse than baseline"));

        // The filters: severity (through the form), rule and form; a filter value that is not a choice is refused in words.
        await page.SelectOptionAsync("#severity", "high");
        await NavigateByAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Show alerts" }).ClickAsync());
        Assert.That(new Uri(page.Url).Query, Does.Contain("severity=high"));
        await Assertions.Expect(cards).ToHaveCountAsync(1);
        Assert.That(await cards.First.InnerTextAsync(), Does.Contain("Worse than baseline"));
        Assert.That(await page.Locator("#severity").InputValueAsync(), Is.EqualTo("high"), "the filter stays chosen");
        await AssertGoodPageAsync(page, "alerts filtered by severity");
        await page.GotoAsync($"/alerts?q={prefix}&rule=critical_item");
        await Assertions.Expect(cards).ToHaveCountAsync(1);
        Assert.That(await cards.First.InnerTextAsync(), Does.Contain("Critical answer"));
        await page.GotoAsync($"/alerts?q={prefix}&instrument=phq9");
        await Assertions.Expect(cards).ToHaveCountAsync(2);
        await page.GotoAsync($"/alerts?q={prefix}&instrument=gold");
        Assert.That(await page.Locator("#no-alerts").InnerTextAsync(), Does.Contain("No alerts to show"));
        Assert.That(await cards.CountAsync(), Is.Zero);
        var refused = await page.GotoAsync("/alerts?severity=bogus");
        Assert.That(refused!.Status, Is.EqualTo(400));
        Assert.That(await page.InnerTextAsync("main"), Does.Contain("That severity is not one of the choices"));
        Assert.That(await cards.CountAsync(), Is.Zero, "a refused filter shows no alerts");

        // The alert: why, the evidence and the history charted against the form's score ranges.
        await page.GotoAsync($"/alerts?q={prefix}");
        await NavigateByAsync(page, () => cards.Filter(new() { HasText = "Worse than baseline" }).GetByRole(AriaRole.Link).ClickAsync());
        Assert.That(page.Url, Does.Match("/alerts/[0-9a-f-]{36}$"));
        Assert.That(await page.Locator("#reason").InnerTextAsync(), Does.StartWith("PHQ-9 rose from 4 at baseline to 11: +7, threshold +5"));
        await Assertions.Expect(page.Locator(".score-history svg circle.chart-point")).ToHaveCountAsync(2); // the history is charted
        Assert.That(await page.Locator(".score-history svg text").AllTextContentsAsync(), Does.Contain("Moderately severe"), "the score ranges are drawn");
        await ShotAsync(page, "portal-alert-history");
        await AssertGoodPageAsync(page, "alert");

        await PressAsync(page, "Acknowledge");
        Assert.That(await page.Locator("#status").InnerTextAsync(), Does.Contain("Acknowledged").And.Contain("by nurse1"));

        await PressAsync(page, "Resolve"); // no outcome chosen yet
        Assert.That(await page.Locator(".error-summary").InnerTextAsync(), Does.Contain("Choose the outcome"));
        await page.CheckAsync("#outcome-contacted_patient");
        await page.FillAsync("#note", "Phoned <b>Tuesday</b>; follow-up booked.");
        await PressAsync(page, "Resolve");
        Assert.That(await page.Locator("#status").InnerTextAsync(), Does.Contain("Resolved"));
        Assert.That(await page.Locator("#outcome-text").InnerTextAsync(), Does.Contain("Contacted the patient"));
        Assert.That(await page.Locator("#note-text").InnerTextAsync(), Is.EqualTo("Phoned <b>Tuesday</b>; follow-up booked."), "a note is shown as typed, never as markup");

        // The patient page: the history and the alerts with their outcomes and notes.
        await page.GotoAsync($"/patients/{patientId}");
        var patientAlerts = await page.Locator("#patient-alerts").InnerTextAsync();
        Assert.That(patientAlerts, Does.Contain("Contacted the patient").And.Contain("Phoned <b>Tuesday</b>"));
        await Assertions.Expect(page.Locator(".score-history svg circle.chart-point")).ToHaveCountAsync(2);
        await ShotAsync(page, "portal-patient-outcome");
        await AssertGoodPageAsync(page, "patient");

        // The same through the API, and every action is in the audit trail: the sign-in at intake, the rest at the notifier.
        var alerts = (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!;
        Assert.That(alerts.Select(a => a!["status"]!.GetValue<string>()), Is.EquivalentTo(new[] { "open", "resolved" }));
        using var admin = new HttpClient { BaseAddress = Platform.Notifier.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", Platform.Tokens["admin"]);
        var audit = (await admin.GetFromJsonAsync<JsonArray>("/api/audit?actor=nurse1&limit=100"))!.Select(e => e!["action"]!.GetValue<string>()).ToList();
        Assert.That(audit, Is.SupersetOf(new[] { "alerts_view", "alert_view", "alert_acknowledge", "alert_resolve", "patient_view" }));
        var signIns = (await Platform.IntakeClient.GetFromJsonAsync<JsonArray>("/api/audit?actor=nurse1&limit=100"))!.Select(e => e!["action"]!.GetValue<string>()).ToList();
        Assert.That(signIns, Does.Contain("sign_in"));
    }

    [Test]
    public async Task New_evidence_on_an_acknowledged_urgent_alert_reopens_it_on_the_portal()
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

        await using var desk = await Browser.StaffAsync(Platform.Portal.BaseAddress, 390);
        var page = await desk.NewPageAsync();
        await SignInThroughAsync(page, $"/alerts?q={patientId.ToString()[..8]}", "nurse1", Platform.NursePassword, "/alerts");
        var card = page.Locator("#alerts > li");
        await Assertions.Expect(card).ToHaveCountAsync(1);
        Assert.That(await card.InnerTextAsync(), Does.Contain("new evidence since it was acknowledged"));
        await AssertGoodPageAsync(page, "alerts with new evidence");

        await NavigateByAsync(page, () => card.GetByRole(AriaRole.Link).First.ClickAsync());
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo($"/alerts/{id}"));
        Assert.That(await page.Locator("#status").InnerTextAsync(), Does.Contain("Waiting for a nurse, with new evidence since it was acknowledged"));
        Assert.That(await page.InnerTextAsync("main"), Does.Not.Contain("self_harm_risk").And.Not.Contain("critical_item"), "plain words");
        await AssertGoodPageAsync(page, "alert with new evidence");
        await PressAsync(page, "Acknowledge");
        Assert.That(await page.Locator("#status").InnerTextAsync(), Does.Contain("Acknowledged").And.Contain("by nurse1").And.Not.Contain("new evidence"));
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

    [Test]
    public async Task The_notifier_serves_no_staff_pages()
    {
        // Signed in as a nurse (a bearer token), the old pages and the notifier's sign-in page are not there: the portal has them.
        using var nurse = new HttpClient { BaseAddress = Platform.Notifier.BaseAddress };
        nurse.DefaultRequestHeaders.Authorization = new("Bearer", Platform.Tokens["nurse"]);
        var id = Guid.NewGuid();
        foreach (var path in new[] { "/", "/inbox/latest", $"/inbox/patients/{id}", "/signin" })
        {
            var response = await nurse.GetAsync(new Uri(path, UriKind.Relative));
            Assert.That((int)response.StatusCode, Is.EqualTo(404), path);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.Not.EqualTo("text/html"), path);
        }

        // Links to the old inbox in messages sent before the portal lead to the same place on the portal, signed in or not.
        using var anyone = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Platform.Notifier.BaseAddress };
        foreach (var (old, portal) in new[] { ("/inbox", "/alerts"), ($"/inbox/alerts/{id}", $"/alerts/{id}") })
        {
            var response = await anyone.GetAsync(new Uri(old, UriKind.Relative));
            Assert.That((int)response.StatusCode, Is.EqualTo(301), old);
            Assert.That(response.Headers.Location, Is.EqualTo(new Uri(Platform.Portal.BaseAddress, portal)), old);
        }
    }
}
