using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>
/// Issue 19: a relay that publishes nothing while answers wait must not look healthy. With the broker away longer
/// than the relay's stall threshold, intake's readiness names the stalled relay, and so do the portal's pipeline page and
/// <c>surveys status</c>; when the broker returns the backlog goes out once and the problem clears.
/// </summary>
[NonParallelizable]
public class StalledWorkTests
{
    private RunningSystem _system = null!;
    private readonly string _configHome = Directory.CreateTempSubdirectory("surveys-stall-cli-").FullName;

    [SetUp]
    public async Task StartAsync()
    {
        if (!BrokerControl.Available)
        {
            Assert.Ignore("The broker is not controlled by this run (infra/test.sh starts one it can stop).");
        }

        _system = await RunningSystem.StartAsync(new Dictionary<string, string> { ["Outbox__StallAfter"] = "00:00:05", ["Outbox__PublishTimeout"] = "00:00:02" });
    }

    [TearDown]
    public async Task StopAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }

        Directory.Delete(_configHome, recursive: true);
    }

    private static async Task<string?> StalledAsync(ServiceProcess service)
    {
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        var body = await (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).Content.ReadFromJsonAsync<JsonObject>();
        return body?["checks"]?["background"]?["data"]?["stalled"]?.GetValue<string>();
    }

    [Test]
    public async Task A_relay_that_cannot_publish_past_its_threshold_is_named_in_readiness_on_the_pipeline_page_and_in_status_until_it_publishes_again()
    {
        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            tokens.Add(await _system.NewInvitationAsync("phq9"));
        }

        var answers = Enumerable.Range(1, 9).ToDictionary(i => i.ToString(CultureInfo.InvariantCulture), _ => 1);
        await BrokerControl.StopAsync();
        try
        {
            foreach (var token in tokens)
            {
                await _system.SubmitAsync(token, answers);
            }

            var stalled = await RunningSystem.EventuallyAsync(() => StalledAsync(_system.Intake), s => s == "outbox relay", TimeSpan.FromSeconds(60));
            Assert.That(stalled, Is.EqualTo("outbox relay"), "intake's readiness names its stalled relay");

            using var portal = await _system.PortalSessionAsync("operator1", _system.OperatorPassword);
            var page = await portal.GetStringAsync(new Uri("/pipeline", UriKind.Relative));
            var start = page.IndexOf("id=\"stalled-work\"", StringComparison.Ordinal);
            Assert.That(start, Is.GreaterThan(0), page);
            Assert.That(page[start..], Does.Contain("Work has stopped moving").And.Contain("outbox relay"), "the portal's pipeline page names it");

            var status = await Cli.RunAsync(_system.CliEnvironment(_configHome), null, "status");
            Assert.That(status.ExitCode, Is.EqualTo(1), status.Output);
            Assert.That(status.Output, Does.Contain("intake: work has stopped moving (outbox relay)"), "surveys status names it");
        }
        finally
        {
            await BrokerControl.StartAsync();
        }

        var cleared = await RunningSystem.EventuallyAsync(() => StalledAsync(_system.Intake), s => s == string.Empty, TimeSpan.FromSeconds(90));
        Assert.That(cleared, Is.Empty, "publishing again clears the stall");
        var scored = await RunningSystem.EventuallyAsync(
            () => _system.CountAsync("notifier", "SELECT COUNT(*) FROM scores"), n => n >= tokens.Count, TimeSpan.FromSeconds(60));
        Assert.That(scored, Is.EqualTo(tokens.Count), "every waiting answer reached the notifier once");
    }
}
