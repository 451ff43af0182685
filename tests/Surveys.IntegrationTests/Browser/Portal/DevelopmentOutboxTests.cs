using System.Net.Http.Json;

namespace Surveys.IntegrationTests.Browser.Portal;

/// <summary>
/// In Development nothing leaves the machine: the portal shows what would have been sent, to patients (administrators)
/// and to staff (nurses and administrators), from the services' development outbox APIs.
/// </summary>
[NonParallelizable]
public class DevelopmentOutboxTests : BrowserTest
{
    [Test]
    public async Task Admins_see_patients_and_staff_messages_and_nurses_only_the_alerts()
    {
        const int width = 390; // the whole job once, on a phone; every page is also checked and shot at 1280 px
        // An urgent alert (to staff), and a patient enrolled on the follow-up protocol with an e-mail address, whose baseline
        // questionnaires are due at once (to the patient).
        var patientId = await Platform.CreatePatientAsync();
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "phq9"), Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => i == 9 ? 1 : 0));
        var enrol = await Platform.IntakeClient.PostAsJsonAsync("/api/patients", new
        {
            displayName = "Outbox Example",
            language = "en",
            timeZone = "Europe/London",
            indexDate = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            protocol = "t1d-followup",
            contacts = new[] { new { channel = "email", address = "outbox@example.org" } },
        });
        enrol.EnsureSuccessStatusCode();
        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, width);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.FillAsync("#userName", "admin");
        await page.FillAsync("#password", Platform.AdminPassword);
        await PressAsync(page, "Sign in");

        var staffMessages = await RunningSystem.EventuallyAsync(
            async () =>
            {
                await page.GotoAsync("/dev/outbox");
                return await page.Locator("section[aria-labelledby=to-staff]").InnerTextAsync();
            },
            text => text.Contains("An urgent alert needs review", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var patientMessages = await RunningSystem.EventuallyAsync(
            async () =>
            {
                await page.GotoAsync("/dev/outbox");
                return await page.Locator("section[aria-labelledby=to-patients]").InnerTextAsync();
            },
            text => text.Contains("outbox@example.org", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(staffMessages, Does.Contain("An urgent alert needs review"));
            Assert.That(patientMessages, Does.Contain("/s/"), "the invitation's link, which a tester opens as the patient");
        });
        await ShotAtEachWidthAsync(page, "portal-dev-outbox");
        await AssertGoodPageAsync(page, "development outbox");

        await PressAsync(page, "Sign out");
        await page.FillAsync("#userName", "nurse1");
        await page.FillAsync("#password", Platform.NursePassword);
        await PressAsync(page, "Sign in");
        await page.GotoAsync("/dev/outbox");
        Assert.Multiple(async () =>
        {
            Assert.That(await page.Locator("section[aria-labelledby=to-staff]").CountAsync(), Is.EqualTo(1));
            Assert.That(await page.Locator("section[aria-labelledby=to-patients]").CountAsync(), Is.Zero, "patients' links and contacts are for administrators");
        });
    }
}
