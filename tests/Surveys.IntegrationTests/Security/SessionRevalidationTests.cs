using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Surveys.IntegrationTests.Security;

/// <summary>
/// Hole 6 of issue 18: a session outlives nothing. Sessions are checked against the account at least every minute and on
/// every action, across the services (the portal and the notifier ask intake). Intake's own check of its bearer tokens
/// is in its functional tests (TokenTests).
/// </summary>
[NonParallelizable]
public partial class SessionRevalidationTests
{
    private static RunningSystem _system => SecuritySystem.Current;

    [Test]
    public async Task A_disabled_nurse_cannot_acknowledge_an_alert_with_her_existing_portal_session()
    {
        var password = $"night-{Guid.NewGuid():N}";
        await AddUserAsync("nightnurse", password, "nurse");
        var bearer = await _system.TokenAsync("nightnurse", password);
        using var browser = PortalForms.Browser(_system.Portal.BaseAddress);
        Assert.That((await PortalForms.SignInAsync(browser, "nightnurse", password)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed in on the portal");
        var alertId = await NewUrgentAlertAsync();
        var page = await browser.GetStringAsync(new Uri($"/alerts/{alertId}", UriKind.Relative));
        Assert.That(page, Does.Contain("id=\"acknowledge\""), "the alert page offers Acknowledge");

        (await _system.IntakeClient.DeleteAsync(new Uri("/api/users/nightnurse", UriKind.Relative))).EnsureSuccessStatusCode();

        var byPage = await PortalForms.PressAsync(browser, $"/alerts/{alertId}", "acknowledge", page);
        using var api = new HttpClient { BaseAddress = _system.Notifier.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        var byApi = await api.PostAsync(new Uri($"/api/alerts/{alertId}/acknowledge", UriKind.Relative), null);
        var afterwards = await browser.GetAsync(new Uri("/alerts", UriKind.Relative));
        var status = await AlertStatusAsync(alertId);

        Assert.Multiple(() =>
        {
            Assert.That(byPage.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "sent to sign in again");
            Assert.That(PortalForms.Location(browser, byPage).AbsolutePath, Is.EqualTo("/signin"));
            Assert.That(PortalForms.EndsSession(byPage), Is.True, "the cookie is removed");
            Assert.That(byApi.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(PortalForms.Location(browser, afterwards).AbsolutePath, Is.EqualTo("/signin"), "and stays removed");
            Assert.That(status, Is.EqualTo("open"), "nobody acknowledged it: its escalation goes on");
        });
    }

    [Test]
    public async Task A_role_removed_takes_effect_on_the_next_portal_action()
    {
        var password = $"moved-{Guid.NewGuid():N}";
        await AddUserAsync("portalmover", password, "nurse", "operator");
        using var browser = PortalForms.Browser(_system.Portal.BaseAddress);
        Assert.That((await PortalForms.SignInAsync(browser, "portalmover", password)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var alertId = await NewUrgentAlertAsync();
        var page = await browser.GetStringAsync(new Uri($"/alerts/{alertId}", UriKind.Relative));
        Assert.That(page, Does.Contain("id=\"acknowledge\""), "a nurse may act on it");

        (await _system.IntakeClient.PutAsJsonAsync("/api/users/portalmover/roles", new { roles = new[] { "operator" } })).EnsureSuccessStatusCode();
        var acknowledge = await PortalForms.PressAsync(browser, $"/alerts/{alertId}", "acknowledge", page);

        Assert.Multiple(async () =>
        {
            Assert.That(acknowledge.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "within the minute the page was trusted for, the action asked intake afresh");
            Assert.That(PortalForms.Location(browser, acknowledge).AbsolutePath, Is.EqualTo("/signin"));
            Assert.That(PortalForms.EndsSession(acknowledge), Is.True);
            Assert.That(await AlertStatusAsync(alertId), Is.EqualTo("open"));
        });
    }

    [Test]
    public async Task A_role_removed_takes_effect_on_the_next_alert_action()
    {
        var password = $"moved-{Guid.NewGuid():N}";
        await AddUserAsync("movednurse", password, "nurse", "operator");
        using var api = new HttpClient { BaseAddress = _system.Notifier.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", await _system.TokenAsync("movednurse", password));
        var alertId = await NewUrgentAlertAsync();
        Assert.That((await api.GetAsync(new Uri($"/api/alerts/{alertId}", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a nurse may read it");

        (await _system.IntakeClient.PutAsJsonAsync("/api/users/movednurse/roles", new { roles = new[] { "operator" } })).EnsureSuccessStatusCode();
        var acknowledge = await api.PostAsync(new Uri($"/api/alerts/{alertId}/acknowledge", UriKind.Relative), null);

        Assert.That(acknowledge.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "within the minute the read was trusted for, the action asked intake afresh");
        Assert.That(await AlertStatusAsync(alertId), Is.EqualTo("open"));
    }

    private static async Task AddUserAsync(string userName, string password, params string[] roles) =>
        (await _system.IntakeClient.PostAsJsonAsync("/api/users", new { userName, roles, password })).EnsureSuccessStatusCode();

    private static async Task<Guid> NewUrgentAlertAsync()
    {
        var patientId = await _system.CreatePatientAsync();
        var token = await _system.InviteAsync(patientId, "phq9");
        await _system.SubmitAsync(token, Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i == 9 ? 2 : 1));
        var alerts = await RunningSystem.EventuallyAsync(
            async () => (await _system.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!, a => a.Count > 0, TimeSpan.FromSeconds(30));
        Assert.That(alerts, Is.Not.Empty, "the critical answer raised an alert");
        return alerts[0]!["id"]!.GetValue<Guid>();
    }

    private static async Task<string> AlertStatusAsync(Guid alertId) =>
        (await _system.NotifierClient.GetFromJsonAsync<JsonObject>($"/api/alerts/{alertId}"))!["alert"]!["status"]!.GetValue<string>();
}
