using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>
/// The portal's alert filter reads intake's patient directory: over a thousand matching patients it says so rather than
/// hide them. On SQLite and on PostgreSQL. (Intake's directory API alone is tested in Surveys.Intake.Tests.)
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[NonParallelizable]
public class PortalAlertFilterTests(string engine)
{
    private RunningSystem _system = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        string? server = null;
        if (engine == "postgres")
        {
            server = Environment.GetEnvironmentVariable("SURVEYS_TEST_POSTGRES");
            if (server is null)
            {
                Assert.Ignore("SURVEYS_TEST_POSTGRES is not set: there is no PostgreSQL server to test against.");
            }
        }

        _system = await RunningSystem.StartAsync(postgresServer: server);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }

    [Test]
    public async Task The_portals_alert_filter_says_when_more_patients_match_than_it_reads()
    {
        // The portal reads at most 1,000 matching patients for the alerts filter: one more must be said, never hidden.
        var tag = Guid.NewGuid().ToString("N")[..8];
        await Parallel.ForAsync(0, 1_001, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) => await EnrolAsync($"Crowd {tag} {i}", null));
        using var portal = await _system.PortalSessionAsync("nurse1", _system.NursePassword);

        var crowd = await portal.GetStringAsync(new Uri($"/alerts?q={Uri.EscapeDataString($"Crowd {tag}")}", UriKind.Relative));
        var fewer = await portal.GetStringAsync(new Uri($"/alerts?q={Uri.EscapeDataString($"Crowd {tag} 1000")}", UriKind.Relative));

        Assert.That(crowd, Does.Contain("id=\"too-many\"").And.Contain("1,001 patients match"), crowd);
        Assert.That(fewer, Does.Not.Contain("id=\"too-many\""), "one match is read whole");
    }

    private async Task<Guid> EnrolAsync(string name, string? clinicNumber, params object[] contacts)
    {
        var response = await _system.IntakeClient.PostAsJsonAsync("/api/patients", new { displayName = name, clinicNumber, contacts });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }
}
