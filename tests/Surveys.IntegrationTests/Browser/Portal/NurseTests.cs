using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser.Portal;

/// <summary>
/// Issue 21, the nurse's whole job on the staff portal: find the alert by the patient's name, see who to call, read the
/// evidence, the history and the diary, acknowledge and resolve with an outcome. Every page passes axe and fits the width.
/// </summary>
[NonParallelizable]
public class NurseTests : BrowserTest
{
    [Test]
    public async Task A_nurse_finds_the_alert_by_name_calls_the_patient_reads_the_diary_and_resolves_it()
    {
        const int width = 390; // the whole job once, on a phone; every page is also checked and shot at 1280 px
        var name = "Meera Iyer";
        var clinicNumber = $"CN-{width}-{Guid.NewGuid().ToString("N")[..6]}";
        var patientId = await EnrolAsync(name, clinicNumber);
        // A PHQ-9 baseline, a much worse PHQ-9 with item 9 answered, then a diary.
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "phq9"), Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => i <= 4 ? 1 : 0));
        // The baseline is the first result the notifier records: wait for it before the worse form.
        var baseline = await RunningSystem.EventuallyAsync(
            async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/patients/{patientId}/scores"))!.Count, n => n >= 1, TimeSpan.FromSeconds(60));
        Assert.That(baseline, Is.EqualTo(1));
        var worse = new[] { 2, 2, 1, 2, 1, 1, 1, 0, 1 };
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "phq9"), Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => worse[i - 1]));
        var diary = new Dictionary<string, int>
        {
            ["1"] = 0, ["2"] = 0, ["3"] = 1, ["4"] = 0, ["5"] = 0, ["6"] = 0, ["7"] = 0, ["8"] = 0, ["9"] = 0, ["10"] = 0,
            ["11"] = 2, ["12"] = 0, ["14"] = 0, ["15"] = 1, ["18"] = 0,
        };
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "t1d_diary"), diary);
        var raised = await RunningSystem.EventuallyAsync(
            async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!
                .Count(a => a!["instrument"]!.GetValue<string>() == "phq9"),
            n => n >= 2, TimeSpan.FromSeconds(60));
        Assert.That(raised, Is.EqualTo(2), "a critical answer and worse than baseline");

        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, width);
        var page = await context.NewPageAsync();
        await SignInThroughAsync(page, "/alerts", "nurse1", Platform.NursePassword, "/alerts");
        await AssertGoodPageAsync(page, "inbox");

        // Found by name: only this patient's alerts, the most urgent first, named and numbered, never by a bare id.
        await page.FillAsync("#q", name);
        await NavigateByAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Show alerts" }).ClickAsync());
        var cards = page.Locator("#alerts > li");
        Assert.That(await cards.CountAsync(), Is.GreaterThanOrEqualTo(2), await page.InnerTextAsync("main"));
        foreach (var card in await cards.AllAsync())
        {
            Assert.That(await card.InnerTextAsync(), Does.Contain(name).And.Contain(clinicNumber));
        }

        var first = await cards.First.InnerTextAsync();
        Assert.That(first, Does.Contain("Urgent").IgnoreCase.And.Contain("Critical answer").And.Contain("Patient Health Questionnaire"));
        Assert.That(first, Does.Not.Contain("phq9").And.Not.Contain("critical_item"), "plain words, not codes");
        await ShotAtEachWidthAsync(page, "portal-alerts");
        await AssertGoodPageAsync(page, "inbox filtered by name");

        // The start of the id finds the same patient; a search that matches nobody says so and shows nobody's alerts.
        await page.GotoAsync($"/alerts?q={patientId.ToString()[..8]}");
        Assert.That(await page.Locator("#alerts > li").CountAsync(), Is.EqualTo(await cards.CountAsync()));
        var nobody = await page.GotoAsync("/alerts?q=Nobody+Byanyname");
        Assert.That(nobody!.Status, Is.EqualTo(200));
        Assert.That(await page.Locator("#no-match").InnerTextAsync(), Does.Contain("No patient matches “Nobody Byanyname”"));
        Assert.That(await page.Locator("#alerts").CountAsync(), Is.Zero, "never silently everyone's alerts");
        await AssertGoodPageAsync(page, "inbox, nobody matches");

        // The alert: who the patient is and how to reach them, why, and the answers behind it.
        await page.GotoAsync($"/alerts?q={Uri.EscapeDataString(name)}");
        await NavigateByAsync(page, () => page.Locator("#alerts > li").First.GetByRole(AriaRole.Link).ClickAsync());
        Assert.That(page.Url, Does.Match("/alerts/[0-9a-f-]{36}$"));
        var alertUrl = page.Url;
        Assert.Multiple(async () =>
        {
            Assert.That(await page.Locator("#patient").InnerTextAsync(), Does.Contain(name).And.Contain(clinicNumber));
            Assert.That(await page.Locator("#patient a[href='tel:+919812345678']").CountAsync(), Is.EqualTo(1));
            Assert.That(await page.Locator($"#patient a[href='mailto:{Email(width)}']").CountAsync(), Is.EqualTo(1));
            Assert.That(await page.Locator("#reason").InnerTextAsync(), Does.Contain("PHQ-9"));
            Assert.That(await page.Locator(".evidence").First.InnerTextAsync(), Does.Contain("Thoughts that you would be better off dead"));
            Assert.That(await page.Locator(".score-history table").InnerTextAsync(), Does.Contain("11").And.Contain("Moderate"));
        });
        await ShotAtEachWidthAsync(page, "portal-alert");
        await AssertGoodPageAsync(page, "alert");

        // Resolving without an outcome is refused in words, beside the field and at the top, never with a 5xx.
        var refused = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.That(refused.Status, Is.EqualTo(400));
        Assert.That(await page.Locator(".error-summary").InnerTextAsync(), Does.Contain("Choose the outcome: Contacted the patient, Referred, False alarm or Other"));
        Assert.That(await page.TitleAsync(), Does.StartWith("Error: "));
        await AssertGoodPageAsync(page, "alert, resolve refused");

        await PressAsync(page, "Acknowledge");
        Assert.That(await page.Locator("#status").InnerTextAsync(), Does.Contain("Acknowledged").And.Contain("by nurse1"));
        await page.GetByLabel("Contacted the patient").CheckAsync();
        await page.FillAsync("#note", "Called; appointment tomorrow.");
        await PressAsync(page, "Resolve");
        Assert.That(page.Url, Does.StartWith(alertUrl));
        Assert.That(await page.Locator("#outcome-text").InnerTextAsync(), Does.Contain("Contacted the patient").And.Contain("nurse1"));
        await AssertGoodPageAsync(page, "alert resolved");

        // The patient's page: the diary as readable answers, newest first; results; adherence; the alert's outcome.
        await NavigateByAsync(page, () => page.Locator("#patient a").First.ClickAsync());
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo($"/patients/{patientId}"));
        var newest = await page.Locator("#timeline > li").First.InnerTextAsync();
        Assert.That(newest, Does.Contain("Type 1 diabetes").And.Contain("How many low-glucose episodes (hypos)").And.Contain("Tiredness"));
        Assert.Multiple(async () =>
        {
            Assert.That(await page.Locator("#timeline > li").CountAsync(), Is.EqualTo(3));
            Assert.That(await page.Locator("#adherence").InnerTextAsync(), Does.Match(@"Answered\s+3"));
            Assert.That(await page.Locator("#patient-alerts").InnerTextAsync(), Does.Contain("Contacted the patient"));
            Assert.That(await page.Locator("#identity").InnerTextAsync(), Does.Contain(clinicNumber));
            Assert.That(await page.Locator("#admin-actions").CountAsync(), Is.Zero, "the admins' links are for admins");
        });
        await ShotAtEachWidthAsync(page, "portal-patient");
        await AssertGoodPageAsync(page, "patient");

        // The patient list: found by clinic number; a search for nobody says so.
        await page.GotoAsync($"/patients?q={clinicNumber}");
        Assert.That(await page.Locator("#patients").InnerTextAsync(), Does.Contain(name));
        await AssertGoodPageAsync(page, "patients");
        await page.GotoAsync("/patients?q=Nobody+Byanyname");
        Assert.That(await page.Locator("#no-match").InnerTextAsync(), Does.Contain("No patient matches"));
        var badPage = await page.GotoAsync("/patients?page=zero");
        Assert.That(badPage!.Status, Is.EqualTo(400));
        Assert.That(await page.InnerTextAsync("main"), Does.Contain("Give the page as a whole number from 1."));
    }

    [Test]
    public async Task An_admin_finds_a_patient_and_sees_the_links_to_change_them()
    {
        var patientId = await EnrolAsync("Admin Lookup", "AL-1");
        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, 390);
        var page = await context.NewPageAsync();
        await SignInThroughAsync(page, "/patients", "admin", Platform.AdminPassword, "/patients");
        await page.FillAsync("#q", "AL-1");
        await NavigateByAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync());
        await NavigateByAsync(page, () => page.Locator("#patients").GetByRole(AriaRole.Link, new() { Name = "Admin Lookup" }).ClickAsync());

        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo($"/patients/{patientId}"));
        Assert.That(await page.Locator($"#admin-actions a[href='/patients/{patientId}/edit']").CountAsync(), Is.EqualTo(1));
        Assert.That(await page.Locator($"#admin-actions a[href='/patients/{patientId}/invitations']").CountAsync(), Is.EqualTo(1));
        await AssertGoodPageAsync(page, "patient page for an admin");
    }

    private static string Email(int width) => $"patient{width}@example.org";

    private async Task<Guid> EnrolAsync(string name, string clinicNumber)
    {
        var width = name == "Meera Iyer" ? 390 : 1280;
        var response = await Platform.IntakeClient.PostAsJsonAsync("/api/patients", new
        {
            displayName = name,
            clinicNumber,
            contacts = new[] { new { channel = "sms", address = "+919812345678" }, new { channel = "email", address = Email(width) } },
        });
        Assert.That((int)response.StatusCode, Is.EqualTo(201), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }
}
