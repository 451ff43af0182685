using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>Alert delivery on real processes: with no contacts configured, an urgent alert's message lands in the development alert outbox, linking to the staff portal.</summary>
[NonParallelizable]
public class AlertDeliveryTests
{
    private RunningSystem _system = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _system = await RunningSystem.StartAsync(new Dictionary<string, string>
    {
        ["Alerting__PollInterval"] = "00:00:01",
        ["Notifier__PortalUrl"] = "https://staff.clinic.example",
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _system.DisposeAsync();

    private HttpClient Client(string role)
    {
        var client = new HttpClient { BaseAddress = _system.Notifier.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _system.Tokens[role]);
        return client;
    }

    [Test]
    public async Task An_urgent_alert_appears_in_the_development_alert_outbox_with_a_link_and_nothing_clinical()
    {
        var patientId = await _system.CreatePatientAsync();
        var token = await _system.InviteAsync(patientId, "phq9");
        await _system.SubmitAsync(token, Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i == 9 ? 1 : 0));

        using var nurse = Client("nurse");
        var alerts = await RunningSystem.EventuallyAsync(
            async () => (await nurse.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!, a => a.Count > 0, TimeSpan.FromSeconds(30));
        var alertId = alerts.Single()!["id"]!.GetValue<Guid>();

        var page = await RunningSystem.EventuallyAsync(
            async () => await nurse.GetStringAsync(new Uri("/api/dev/alert-outbox", UriKind.Relative)),
            p => p.Contains($"/alerts/{alertId:D}", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.That(page, Does.Contain($"https://staff.clinic.example/alerts/{alertId:D}"), "the link opens the alert on the staff portal");
        Assert.That(page, Does.Not.Contain("/inbox"), "never the notifier's old inbox");
        Assert.That(page, Does.Contain("An urgent alert needs review"));
        Assert.That(page, Does.Not.Contain(patientId.ToString("D")));
        Assert.That(page.ToLowerInvariant(), Does.Not.Contain("phq").And.Not.Contain("patient health"));

        using var admin = Client("admin");
        Assert.That((await admin.GetAsync(new Uri("/api/dev/alert-outbox", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var @operator = Client("operator");
        Assert.That((await @operator.GetAsync(new Uri("/api/dev/alert-outbox", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var anonymous = new HttpClient(handler) { BaseAddress = _system.Notifier.BaseAddress };
        var unsigned = await anonymous.GetAsync(new Uri("/api/dev/alert-outbox", UriKind.Relative));
        Assert.That(unsigned.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
