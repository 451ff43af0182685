using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>
/// Faults injected into the real system (real processes, real RabbitMQ, real SQLite files): nothing a
/// patient was told was accepted is lost, and nothing is scored or alerted twice. Every test asserts
/// exact counts read from the services' own databases.
/// </summary>
[NonParallelizable]
public class FaultInjectionTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromMinutes(3);
    private RunningSystem _system = null!;

    [SetUp]
    public async Task StartAsync() => _system = await RunningSystem.StartAsync();

    [TearDown]
    public async Task StopAsync() => await _system.DisposeAsync();

    /// <summary>A calm PHQ-9 (total 3), or with item 9 answered (total 4): every fifth one, which must alert once.</summary>
    private static Dictionary<string, int> Answers(int i) => new()
    {
        ["1"] = 1, ["2"] = 0, ["3"] = 1, ["4"] = 0, ["5"] = 1, ["6"] = 0, ["7"] = 0, ["8"] = 0, ["9"] = i % 5 == 0 ? 1 : 0,
    };

    private async Task<string[]> InvitationsAsync(int count)
    {
        var tokens = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => tokens[i] = await _system.NewInvitationAsync("phq9"));
        return tokens;
    }

    /// <summary>Submits each token's answers; every one must be answered 202. Returns the submission ids.</summary>
    private async Task<Guid[]> SubmitAllAsync(string[] tokens, int offset = 0)
    {
        var ids = new Guid[tokens.Length];
        await Parallel.ForAsync(0, tokens.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            ids[i] = await _system.SubmitAsync(tokens[i], Answers(offset + i)));
        return ids;
    }

    private async Task<long> WaitForAsync(string database, string sql, long expected)
    {
        return await RunningSystem.EventuallyAsync(() => _system.CountAsync(database, sql), n => n >= expected, Drain);
    }

    private sealed record Counts(long Accepted, long Stored, long Scored, long Recorded, long Alerts, long AlertedSubmissions, long Pending)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"accepted {Accepted}, stored by intake {Stored}, scored {Scored}, in notifier history {Recorded}, alerts {Alerts} (submissions alerted {AlertedSubmissions}), outbox rows pending {Pending}");
    }

    /// <summary>Waits until the notifier has every accepted submission, then reads every count.</summary>
    private async Task<Counts> SettleAsync(int accepted)
    {
        await WaitForAsync("notifier", "SELECT COUNT(*) FROM scores", accepted);
        await WaitForAsync("intake", "SELECT COUNT(*) FROM submissions WHERE scored_at IS NOT NULL", accepted);
        var pending = 0L;
        foreach (var database in new[] { "intake", "scoring", "notifier" })
        {
            pending += await RunningSystem.EventuallyAsync(
                () => _system.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"), n => n == 0, TimeSpan.FromSeconds(30));
        }

        var counts = new Counts(
            accepted,
            await _system.CountAsync("intake", "SELECT COUNT(*) FROM submissions"),
            await _system.CountAsync("scoring", "SELECT COUNT(*) FROM scores"),
            await _system.CountAsync("notifier", "SELECT COUNT(*) FROM scores"),
            await _system.CountAsync("notifier", "SELECT COUNT(*) FROM alerts"),
            await _system.CountAsync("notifier", "SELECT COUNT(DISTINCT submission_id) FROM alerts"),
            pending);
        await TestContext.Out.WriteLineAsync($"{TestContext.CurrentContext.Test.Name}: {counts}");
        return counts;
    }

    private static void AssertExactlyOnce(Counts counts, int accepted)
    {
        var alerts = (accepted + 4) / 5;
        Assert.Multiple(() =>
        {
            Assert.That(counts.Stored, Is.EqualTo(accepted), "stored by intake");
            Assert.That(counts.Scored, Is.EqualTo(accepted), "scored exactly once");
            Assert.That(counts.Recorded, Is.EqualTo(accepted), "in the notifier's history exactly once");
            Assert.That(counts.Alerts, Is.EqualTo(alerts), "alerts raised");
            Assert.That(counts.AlertedSubmissions, Is.EqualTo(alerts), "no submission alerted twice");
            Assert.That(counts.Pending, Is.Zero, "outbox rows left unpublished");
        });
    }

    [Test]
    public async Task A_20_second_broker_outage_in_the_middle_of_500_submissions_loses_and_doubles_nothing()
    {
        if (!BrokerControl.Available)
        {
            Assert.Ignore("The broker is not controlled by this run (infra/test.sh starts one it can stop).");
        }

        var tokens = await InvitationsAsync(500);
        await SubmitAllAsync(tokens[..250]);

        await BrokerControl.StopAsync();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // Patients keep submitting while the broker is away: each still gets its 202.
            await SubmitAllAsync(tokens[250..], offset: 250);
            var readiness = await _system.IntakeClient.GetAsync(new Uri("/health/ready", UriKind.Relative));
            Assert.That((int)readiness.StatusCode, Is.EqualTo(503), "intake reports not ready without its broker");
            var remaining = TimeSpan.FromSeconds(20) - outage.Elapsed;
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining);
            }
        }
        finally
        {
            await BrokerControl.StartAsync();
        }

        // Readiness flips back once each service has reconnected.
        foreach (var service in _system.Services)
        {
            using var client = new HttpClient { BaseAddress = service.BaseAddress };
            var status = await RunningSystem.EventuallyAsync(
                async () => (int)(await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode, code => code == 200, TimeSpan.FromSeconds(60));
            Assert.That(status, Is.EqualTo(200), $"{service.Name} ready again after the broker returned");
        }

        AssertExactlyOnce(await SettleAsync(500), 500);
    }

    [TestCase("Scoring", "scoring", false)]
    [TestCase("Notifier", "notifier", false)]
    [TestCase("Scoring", "scoring", true)]
    public async Task A_consumer_stopped_in_the_middle_of_1000_submissions_loses_and_doubles_nothing(string service, string database, bool graceful)
    {
        var tokens = await InvitationsAsync(1000);

        var submitting = SubmitAllAsync(tokens);
        await WaitForAsync(database, "SELECT COUNT(*) FROM scores", 150);
        if (graceful)
        {
            // SIGTERM: stop taking work, finish what is in flight, exit cleanly.
            Assert.That(await _system.TerminateAsync(service), Is.Zero, "exit code after SIGTERM");
        }
        else
        {
            await _system.KillAsync(service);
        }

        var atKill = await _system.CountAsync(database, "SELECT COUNT(*) FROM scores");
        await submitting;
        await _system.RestartAsync(service);

        await TestContext.Out.WriteLineAsync($"{service} {(graceful ? "stopped with SIGTERM" : "killed with SIGKILL")} with {atKill} of 1000 scores stored");
        Assert.That(atKill, Is.LessThan(1000), "the kill came before the end of the work");
        AssertExactlyOnce(await SettleAsync(1000), 1000);
    }

    [Test]
    public async Task Intake_killed_right_after_its_202s_publishes_everything_it_accepted_after_restart()
    {
        var tokens = await InvitationsAsync(300);

        var ids = await SubmitAllAsync(tokens);
        await _system.KillAsync("Intake");
        var unpublished = await _system.CountAsync("intake", "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL");
        await _system.RestartAsync("Intake");

        await TestContext.Out.WriteLineAsync($"intake killed with {unpublished} of 300 messages not yet published");
        AssertExactlyOnce(await SettleAsync(300), 300);
        var history = await RunningSystem.EventuallyAsync(
            () => _system.CountAsync("notifier", $"SELECT COUNT(*) FROM scores WHERE submission_id IN ({string.Join(',', ids.Select(id => $"'{id}'"))})"),
            n => n == ids.Length,
            TimeSpan.FromSeconds(10));
        Assert.That(history, Is.EqualTo(ids.Length), "every accepted submission id reached the notifier");
    }

    [Test]
    public async Task A_write_lock_held_for_2_seconds_delays_work_without_failing_it()
    {
        var tokens = await InvitationsAsync(40);

        // Intake's database locked: the patients' submissions wait for the lock and are accepted.
        using (var intake = _system.OpenDatabase("intake"))
        {
            using var hold = intake.BeginTransaction(deferred: false);
            var submitting = SubmitAllAsync(tokens[..20]);
            // Every submission in flight (SubmitAllAsync sends 8 at a time) has reached intake and waits there: none can be
            // stored while the lock is held. (Well within intake's 5 s busy timeout, after which a write would fail.)
            var waiting = await RunningSystem.EventuallyAsync(
                () => MetricAsync(_system.Intake, "http_server_active_requests", "http_request_method=\"POST\""), n => n >= 8, TimeSpan.FromSeconds(4));
            Assert.That(waiting, Is.GreaterThanOrEqualTo(8), "the submissions reached intake");
            Assert.That(submitting.IsCompleted, Is.False, "submissions waited for the lock");
            hold.Rollback();
            await submitting;
        }

        // The scoring worker's database locked while it consumes: the work is retried and completes.
        using (var scoring = _system.OpenDatabase("scoring"))
        {
            using var hold = scoring.BeginTransaction(deferred: false);
            await SubmitAllAsync(tokens[20..], offset: 20);
            // The scoring consumer has a submission in hand (MassTransit's consume.active) and cannot store its score.
            var consuming = await RunningSystem.EventuallyAsync(
                () => MetricAsync(_system.Service("Scoring"), "messaging_masstransit_consume_active_ea_total", "consumer_type=\"ScoreSubmissionConsumer\""), n => n >= 1, TimeSpan.FromSeconds(4));
            Assert.That(consuming, Is.GreaterThanOrEqualTo(1), "scoring is consuming");
            Assert.That(await _system.CountAsync("notifier", "SELECT COUNT(*) FROM scores"), Is.LessThanOrEqualTo(20), "scoring waited for the lock");
            hold.Rollback();
        }

        AssertExactlyOnce(await SettleAsync(40), 40);
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_backup_taken_while_the_system_runs_is_consistent_and_complete()
    {
        var tokens = await InvitationsAsync(50);
        await SubmitAllAsync(tokens);
        await SettleAsync(50);

        var target = Path.Combine(_system.DataDirectory, "backup");
        var (exitCode, output) = await CliAsync("backup", "--data-dir", _system.DataDirectory, "--out", target);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("intake.db").And.Contain("scoring.db").And.Contain("notifier.db").And.Contain("integrity ok"));
        Assert.That(File.GetUnixFileMode(target), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), "the backup folder is owner-only");
        Assert.That(Directory.GetFiles(target).Select(File.GetUnixFileMode), Has.All.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "and so is every copy");
        await using var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(target, "notifier.db")};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        await using var command = copy.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM scores";
        Assert.That(Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture), Is.EqualTo(50));
    }

    /// <summary>The sum of a service's Prometheus samples of <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    private async Task<double> MetricAsync(ServiceProcess service, string name, string label)
    {
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _system.ScrapeToken);
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return metrics.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && line[..line.LastIndexOf('}')].Contains(label, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }

    private static Task<(int ExitCode, string Output)> CliAsync(params string[] args) => Cli.RunAsync(new Dictionary<string, string?>(), null, args);
}
