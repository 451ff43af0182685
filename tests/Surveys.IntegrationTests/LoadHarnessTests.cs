using System.Text.Json;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>
/// The load harness (<c>surveys load</c>) at a small size against the real system, as a smoke test of its
/// correctness, never of speed: it must pass a run where everything arrives, and fail one where something is lost.
/// </summary>
[NonParallelizable]
public sealed class LoadHarnessTests
{
    private RunningSystem _system = null!;
    private string _configHome = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // Every request comes from this one address: lift the per-address limit on patient links, as infra/load.sh does.
        _system = await RunningSystem.StartAsync(new Dictionary<string, string> { ["RateLimits__LinkRequestsPerMinute"] = "1000000" });
        _configHome = Directory.CreateTempSubdirectory("surveys-load-cli-").FullName;
        var login = await Cli.RunAsync(_system.CliEnvironment(_configHome), _system.AdminPassword,
            "login", "--url", _system.Intake.BaseAddress.ToString(), "--user", "admin", "--password-stdin");
        Assert.That(login.ExitCode, Is.Zero, login.Output);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _system.DisposeAsync();
        Directory.Delete(_configHome, recursive: true);
    }

    [Test]
    public async Task A_small_run_checks_every_form_and_alert_and_fails_when_the_notifier_is_gone()
    {
        var results = Path.Combine(_configHome, "results.json");
        var run = await Cli.RunAsync(_system.CliEnvironment(_configHome), null,
            "load", "--count", "60", "--warmup", "5", "--concurrency", "8", "--alert-share", "0.2", "--http-floor", "1", "--out", results);

        Assert.That(run.ExitCode, Is.Zero, run.Output);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(results))!;
        var checks = json["checks"]!;
        Assert.Multiple(() =>
        {
            Assert.That(run.Output, Does.Contain("| Result | passed: 60 accepted"));
            Assert.That(checks["accepted"]!.GetValue<int>(), Is.EqualTo(60));
            Assert.That(checks["expectedAlerts"]!.GetValue<int>(), Is.EqualTo(12), "a fifth of 60 forms were made to alert");
            Assert.That(checks["alertsRaised"]!.GetValue<int>(), Is.EqualTo(12));
            Assert.That(checks["warmupIncomplete"]!.GetValue<int>(), Is.Zero, "the five warm-up forms went through too");
            Assert.That(json["acceptedToRecorded"]!["count"]!.GetValue<int>(), Is.EqualTo(60), "a latency for every form, read from the stores");
            Assert.That(json["ceiling"]!["messages"]!.GetValue<int>(), Is.EqualTo(60), "the broker's ceiling was measured with as many messages");
            Assert.That(json["processes"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()), Is.SupersetOf(new[] { "intake", "notifier", "scoring", "load generator" }));
            Assert.That(json["httpFloor"]!["requests"]!.GetValue<int>(), Is.Positive, "the HTTP floor was measured");
            Assert.That(json["httpFloor"]!["unexpected"]!.GetValue<int>(), Is.Zero, "every floor request was answered 404: unknown token");
            Assert.That(json["httpFloor"]!["intakeCpuMsPerRequest"]!.GetValue<double>(), Is.Positive);
        });
        Assert.That(await _system.CountAsync("intake", "SELECT COUNT(*) FROM submissions"), Is.EqualTo(65), "60 measured and 5 warm-up forms");

        // Without the notifier nothing is recorded or alerted: the harness must call that run a failure.
        await _system.KillAsync("Notifier");
        var lost = await Cli.RunAsync(_system.CliEnvironment(_configHome), null,
            "load", "--count", "10", "--warmup", "0", "--concurrency", "4", "--no-ceiling", "--drain-timeout", "5", "--out", results);

        Assert.That(lost.ExitCode, Is.EqualTo(1), lost.Output);
        var failed = JsonNode.Parse(await File.ReadAllTextAsync(results))!["checks"]!;
        Assert.Multiple(() =>
        {
            Assert.That(lost.Output, Does.Contain("| Result | FAILED"));
            Assert.That(failed["notRecorded"]!.GetValue<int>(), Is.EqualTo(10), lost.Output);
            Assert.That(failed["passed"]!.GetValue<bool>(), Is.False);
        });
    }
}
