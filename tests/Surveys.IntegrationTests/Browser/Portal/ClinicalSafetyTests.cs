using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser.Portal;

/// <summary>
/// The first rule, end to end through real processes, a real RabbitMQ and Chromium (docs/clinical-safety.md):
/// an incomplete form cannot hide a critical answer (hazard 1), the patient is told where to get help now
/// (hazard 7), and new urgent evidence on an acknowledged alert reaches the nurse again while each finding keeps
/// its own alert (hazard 2). The nurse works on the staff portal (issue 21).
/// </summary>
[NonParallelizable]
public class ClinicalSafetyTests : BrowserTest
{
    // Numbers from Ofcom's range reserved for drama (020 7946 0000–0999): never a real line.
    private const string ClinicPhone = "020 7946 0321";
    private const string OutOfHoursPhone = "020 7946 0654";

    protected override IDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Intake__ClinicName"] = "Riverside Clinic",
        ["Intake__ClinicPhone"] = ClinicPhone,
        ["Intake__OutOfHoursPhone"] = OutOfHoursPhone,
        ["Intake__EmergencyNumber"] = "999",
    };

    [Test]
    public async Task Every_urgent_signal_reaches_a_nurse_and_the_patient_is_told_where_to_get_help()
    {
        var patientId = await Platform.CreatePatientAsync();
        var token = await Platform.InviteAsync(patientId, "phq9");

        // Hazard 1: a PHQ-9 without item 9 is refused through the API, naming the item; the link stays usable.
        var withoutItem9 = Enumerable.Range(1, 8).ToDictionary(i => $"{i}", _ => 3);
        var refused = await Platform.PatientClient.PostAsJsonAsync("/api/responses", new { token, answers = withoutItem9 });
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), problem);
        Assert.That(JsonNode.Parse(problem)!["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "answers.9" }));

        // Hazard 7: on the pages of the same link, item 9 "Several days": the confirmation says where to get help now.
        await using (var phone = await Browser.PhoneAsync(Platform.Intake.BaseAddress))
        {
            var patient = await phone.NewPageAsync();
            await patient.GotoAsync($"/s/{token}");
            Assert.That(await patient.Locator("main").InnerTextAsync(), Does.Contain("Your answers are not read straight away."));
            await patient.GotoAsync($"/s/{token}/q/1");
            foreach (var answer in new[] { 3, 3, 3, 3, 3, 3, 3, 3, 1 })
            {
                await patient.ClickAsync($"label[for='answer-{answer}']");
                await PressAsync(patient, "Continue");
            }

            await PressAsync(patient, "Continue"); // item 10 is optional
            await PressAsync(patient, "Send answers");
            Assert.That(await patient.Locator("h1").InnerTextAsync(), Is.EqualTo("Answers sent"));
            var warning = patient.Locator(".govuk-warning-text");
            await Assertions.Expect(warning).ToBeVisibleAsync();
            Assert.That(await warning.InnerTextAsync(), Does.Contain("If you need help now").And.Contain(ClinicPhone).And.Contain(OutOfHoursPhone).And.Contain("999"));
            Assert.That(await patient.Locator("main").InnerTextAsync(), Does.Not.Contain("depress").IgnoreCase.And.Not.Contain("score").IgnoreCase, "no claim about what the answers mean");
            Assert.That(await patient.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(390), "fits a 390 px phone");
        }

        // axe runs script, which the phone above has switched off: the same page, checked on a desktop.
        await using (var check = await Browser.DesktopAsync(Platform.Intake.BaseAddress))
        {
            var page = await check.NewPageAsync();
            await page.GotoAsync($"/s/{token}/sent");
            await Assertions.Expect(page.Locator(".govuk-warning-text")).ToBeVisibleAsync();
            await AssertAccessibleAsync(page, "sent-with-help");
        }

        // The urgent alert reaches the nurse, who acknowledges it on the portal.
        var phq9Alert = await AlertAsync(patientId, "phq9", "self_harm_risk", a => a is not null);
        var alertId = phq9Alert!["id"]!.GetValue<Guid>();
        Assert.That(phq9Alert["severity"]!.GetValue<string>(), Is.EqualTo("urgent"));
        await using var desk = await Browser.StaffAsync(Platform.Portal.BaseAddress, 390);
        var nurse = await desk.NewPageAsync();
        await SignInThroughAsync(nurse, $"/alerts/{alertId}", "nurse1", Platform.NursePassword, $"/alerts/{alertId}");
        Assert.That(await nurse.Locator("h1").InnerTextAsync(), Does.Contain("Urgent").IgnoreCase.And.Contain("Critical answer"));
        await PressAsync(nurse, "Acknowledge");
        Assert.That(await nurse.Locator("#status").InnerTextAsync(), Does.Contain("Acknowledged").And.Contain("by nurse1"));

        // Hazard 2: a diary with a severe low and a DKA warning gives one alert per finding, never merged...
        var diary = new Dictionary<string, int>
        {
            ["1"] = 0, ["2"] = 0, ["3"] = 0, ["4"] = 0, ["5"] = 3, ["6"] = 0, ["7"] = 0, ["8"] = 0, ["9"] = 0, ["10"] = 0,
            ["11"] = 1, ["12"] = 1, ["14"] = 0, ["15"] = 1, ["18"] = 0,
        };
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "t1d_diary"), diary);
        var severeHypo = await AlertAsync(patientId, "t1d_diary", "severe_hypo", a => a is not null);
        var dka = await AlertAsync(patientId, "t1d_diary", "dka_warning", a => a is not null);
        Assert.That(new[] { severeHypo, dka }.Select(a => (a?["severity"]?.GetValue<string>(), a?["status"]?.GetValue<string>())),
            Is.EqualTo(new[] { ("urgent", "open"), ("urgent", "open") }), "two findings, two urgent alerts");

        // ...and a worse item 9 returns the acknowledged alert to open, at the top of the portal's alerts, marked as new evidence.
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "phq9"), Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => i == 9 ? 3 : 0));
        var reopened = await AlertAsync(patientId, "phq9", "self_harm_risk", a => a?["status"]?.GetValue<string>() == "open");
        Assert.That(reopened!["id"]!.GetValue<Guid>(), Is.EqualTo(alertId), "the same alert, open again");

        await nurse.GotoAsync($"/alerts?q={patientId.ToString()[..8]}");
        var cards = nurse.Locator("#alerts > li");
        await Assertions.Expect(cards.First).ToContainTextAsync("new evidence since it was acknowledged");
        Assert.That(await cards.First.InnerTextAsync(), Does.Contain("Urgent").IgnoreCase.And.Contain("PHQ-9"), "the latest urgent evidence comes first");
        // Every urgent signal is in front of the nurse: each unresolved alert of this patient is a card of its own.
        var unresolved = (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!
            .Count(a => a!["status"]!.GetValue<string>() != "resolved");
        Assert.That(await cards.CountAsync(), Is.EqualTo(unresolved).And.GreaterThanOrEqualTo(3), "the reopened PHQ-9 alert, the severe low and the DKA warning");
        Assert.That(await cards.Filter(new() { HasText = "Type 1 diabetes" }).CountAsync(), Is.GreaterThanOrEqualTo(2), "the diary's two findings, each its own card");
        Assert.That(await nurse.Locator("main").InnerTextAsync(), Does.Not.Contain("self_harm_risk").And.Not.Contain("severe_hypo").And.Not.Contain("dka_warning"), "plain words");
        await AssertGoodPageAsync(nurse, "alerts with new evidence");
    }

    /// <summary>The patient's unresolved-or-not alert for one finding, once <paramref name="done"/> holds (or the wait ends).</summary>
    private async Task<JsonNode?> AlertAsync(Guid patientId, string instrument, string finding, Func<JsonNode?, bool> done) =>
        await RunningSystem.EventuallyAsync(
            async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!
                .FirstOrDefault(a => a!["instrument"]!.GetValue<string>() == instrument && a["finding"]?.GetValue<string>() == finding),
            done,
            TimeSpan.FromSeconds(20));
}
