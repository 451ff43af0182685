using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>What operators see: /metrics, one trace across the services, and the console's status and error commands.</summary>
[NonParallelizable]
public class OperationsTests
{
    private RunningSystem _system = null!;

    private readonly string _configHome = Directory.CreateTempSubdirectory("surveys-ops-cli-").FullName;
    private string? _signedIn;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _system = await RunningSystem.StartAsync(new Dictionary<string, string>
        {
            // Each consume logs its trace id (ConsumeTraceObserver), and intake logs its requests.
            ["Logging__LogLevel__Surveys.Hosting.Observability"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });

        // Replays and purges are audited under the operator's own sign-in.
        var login = await CliAsync(_system.OperatorPassword, "login", "--url", _system.Intake.BaseAddress.ToString(), "--user", "operator1", "--password-stdin");
        Assert.That(login.ExitCode, Is.Zero, login.Output);
        _signedIn = _configHome;
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _system.DisposeAsync();
        Directory.Delete(_configHome, recursive: true);
    }

    private static Dictionary<string, int> Phq9(params int[] answers) =>
        answers.Select((a, i) => (i + 1, a)).ToDictionary(p => p.Item1.ToString(CultureInfo.InvariantCulture), p => p.a);

    private async Task<string> MetricsAsync(ServiceProcess service)
    {
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _system.ScrapeToken);
        var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{service.Name} /metrics");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of a Prometheus metric's samples over all its label sets (0 when absent).</summary>
    private static double Sum(string metrics, string name) => metrics.Split('\n')
        .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
        .Sum(line =>
        {
            var afterLabels = line[(line.LastIndexOf('}') + 1)..].Trim();
            return double.Parse(afterLabels.Split(' ')[0], CultureInfo.InvariantCulture);
        });

    private async Task<JsonArray> ScoresAsync(Guid patientId) => await RunningSystem.EventuallyAsync(
        async () => (await _system.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/patients/{patientId}/scores"))!,
        s => s.Count > 0,
        TimeSpan.FromSeconds(15));

    [Test]
    public async Task Metrics_move_when_submissions_flow_and_carry_no_patient_ids()
    {
        var acceptedBefore = Sum(await MetricsAsync(_system.Intake), "surveys_submissions_accepted_total");
        var scoredBefore = Sum(await MetricsAsync(_system.Service("Scoring")), "surveys_scores_total");
        var alertsBefore = Sum(await MetricsAsync(_system.Notifier), "surveys_alerts_total");

        var patients = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var patient = await _system.CreatePatientAsync();
            patients.Add(patient);
            await _system.SubmitAsync(await _system.InviteAsync(patient, "phq9"), Phq9(0, 0, 0, 0, 0, 0, 0, 0, i == 0 ? 1 : 0));
        }

        foreach (var patient in patients)
        {
            Assert.That(await ScoresAsync(patient), Has.Count.EqualTo(1));
        }

        var intake = await RunningSystem.EventuallyAsync(() => MetricsAsync(_system.Intake), m => Sum(m, "surveys_submissions_accepted_total") >= acceptedBefore + 3, TimeSpan.FromSeconds(10));
        var scoring = await RunningSystem.EventuallyAsync(() => MetricsAsync(_system.Service("Scoring")), m => Sum(m, "surveys_scores_total") >= scoredBefore + 3, TimeSpan.FromSeconds(10));
        var notifier = await RunningSystem.EventuallyAsync(() => MetricsAsync(_system.Notifier), m => Sum(m, "surveys_alerts_total") >= alertsBefore + 1, TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(Sum(intake, "surveys_submissions_accepted_total"), Is.EqualTo(acceptedBefore + 3));
            Assert.That(Sum(scoring, "surveys_scores_total"), Is.EqualTo(scoredBefore + 3));
            Assert.That(Sum(notifier, "surveys_alerts_total"), Is.EqualTo(alertsBefore + 1), "one PHQ-9 with item 9 answered");
            Assert.That(scoring, Does.Contain("surveys_scores_total{").And.Contain("instrument=\"phq9\"").And.Contain("status=\"scored\""));
            Assert.That(Sum(scoring, "surveys_pipeline_duration_seconds_count"), Is.GreaterThanOrEqualTo(3), "submitted -> scored histogram");
            Assert.That(Sum(notifier, "surveys_stage_duration_seconds_count"), Is.GreaterThanOrEqualTo(3), "notifier stage histogram");
            foreach (var metrics in new[] { intake, scoring, notifier })
            {
                Assert.That(metrics, Does.Contain("surveys_outbox_pending").And.Contain("surveys_outbox_oldest_age_seconds"));
                Assert.That(metrics, Does.Contain("messaging_masstransit_"), "MassTransit's own meter");
                Assert.That(metrics, Does.Contain("http_server_request_duration_seconds"), "ASP.NET Core instrumentation");
                foreach (var patient in patients)
                {
                    Assert.That(metrics, Does.Not.Contain(patient.ToString()).And.Not.Contain(patient.ToString("N")), "no patient ids in labels");
                }
            }
        });
    }

    [Test]
    public async Task One_trace_spans_intake_scoring_and_the_notifier()
    {
        var patient = await _system.CreatePatientAsync();
        var token = await _system.InviteAsync(patient, "phq9");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/responses")
        {
            Content = JsonContent.Create(new { token, answers = Phq9(1, 1, 0, 1, 0, 0, 0, 0, 1) }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var response = await _system.PatientClient.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(202), await response.Content.ReadAsStringAsync());
        Assert.That(await ScoresAsync(patient), Has.Count.EqualTo(1));

        string Log(string service) => _system.Service(service).Tail(100_000);
        var notifierLog = await RunningSystem.EventuallyAsync(
            () => Task.FromResult(Log("Notifier")), l => l.Contains($"Consumed SurveyScored in trace {traceId}", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(Log("Intake").Split('\n').Any(l => l.Contains(traceId, StringComparison.Ordinal) && l.Contains("/api/responses", StringComparison.Ordinal)),
                Is.True, "intake's request log carries the trace id");
            Assert.That(Log("Scoring"), Does.Contain($"Consumed SurveySubmitted in trace {traceId}"), "scoring consumed in the same trace");
            Assert.That(notifierLog, Does.Contain($"Consumed SurveyScored in trace {traceId}"), "the notifier consumed in the same trace");
            Assert.That(Log("Intake"), Does.Contain($"Consumed SurveyScored in trace {traceId}"), "intake's status update too");
        });
    }

    private const string ErrorQueue = "scoring-score-submission_error";

    private static string ManagementPort => Environment.GetEnvironmentVariable("SURVEYS_TEST_RABBITMQ_MANAGEMENT_PORT") ?? "15673";

    /// <summary>Runs the built console as a real process against this system's services and virtual host.</summary>
    private Task<(int ExitCode, string Output)> CliAsync(string? stdin, params string[] args) =>
        Cli.RunAsync(_system.CliEnvironment(_signedIn ?? _configHome), stdin, args);

    private static HttpClient Management()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ManagementPort}/api/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        return client;
    }

    private Task PutIntoQueueAsync(string queue, Guid messageId, string messageType, object message, Dictionary<string, object> headers) =>
        _system.Broker.PutIntoQueueAsync(queue, messageId, messageType, message, headers);

    /// <summary>
    /// How many messages a queue holds now, read (and put back) through the management API: its "messages"
    /// statistic lags by seconds. -1 when the queue does not exist.
    /// </summary>
    private async Task<long> MessagesAsync(string queue) =>
        await _system.Broker.QueueAsync(queue) is null ? -1 : (await _system.Broker.PeekAsync(queue, 100)).Count;

    private async Task<long> WaitForMessagesAsync(string queue, Func<long, bool> done) =>
        await RunningSystem.EventuallyAsync(() => MessagesAsync(queue), done, TimeSpan.FromSeconds(15));

    private async Task PublishPoisonAsync(Guid patientId) => await _system.Broker.PublishAsync("Surveys.Contracts:SurveySubmitted", new
    {
        submissionId = Guid.NewGuid(),
        invitationId = Guid.NewGuid(),
        patientId,
        instrument = "phq9",
        definitionVersion = "0.0.0-unknown",
        answers = new Dictionary<string, int> { ["1"] = 3 },
        submittedAt = DateTimeOffset.UtcNow,
    });

    [Test]
    public async Task Errors_list_shows_a_poison_message_by_its_fault_never_its_body_and_purge_needs_a_confirmation()
    {
        var patientId = Guid.NewGuid();
        await PublishPoisonAsync(patientId);
        Assert.That(await WaitForMessagesAsync(ErrorQueue, n => n > 0), Is.EqualTo(1));

        var list = await CliAsync(null, "errors", "list", ErrorQueue);
        Assert.That(list.ExitCode, Is.Zero, list.Output);
        Assert.That(list.Output, Does.Contain("UnprocessableMessageException").And.Contain("Unknown instrument 'phq9' version '0.0.0-unknown'"));
        Assert.That(list.Output, Does.Not.Contain(patientId.ToString()).And.Not.Contain("answers"), "never the body");

        var json = await CliAsync(null, "errors", "list", ErrorQueue, "--json");
        var parsed = JsonNode.Parse(json.Output)!;
        Assert.That(parsed["messages"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(parsed["messages"]![0]!["faultType"]!.GetValue<string>(), Does.Contain("UnprocessableMessageException"));
        Assert.That(await MessagesAsync(ErrorQueue), Is.EqualTo(1), "listing leaves the messages in place");

        var refused = await CliAsync("no", "errors", "purge", ErrorQueue);
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.Output);
        Assert.That(await MessagesAsync(ErrorQueue), Is.EqualTo(1), "not confirmed: nothing deleted");

        var purged = await CliAsync(ErrorQueue, "errors", "purge", ErrorQueue);
        Assert.That(purged.ExitCode, Is.Zero, purged.Output);
        Assert.That(await WaitForMessagesAsync(ErrorQueue, n => n == 0), Is.Zero);
    }

    [Test]
    public async Task A_failed_message_is_replayed_once_to_the_queue_it_failed_on_and_scored_once()
    {
        var patient = await _system.CreatePatientAsync();
        var submissionId = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        var input = $"rabbitmq://127.0.0.1/{_system.Broker.VirtualHost}/scoring-score-submission";
        await PutIntoQueueAsync(ErrorQueue, messageId, "Surveys.Contracts:SurveySubmitted", new
        {
            submissionId,
            invitationId = Guid.NewGuid(),
            patientId = patient,
            instrument = "phq9",
            definitionVersion = "1.0.0",
            answers = Phq9(0, 1, 0, 0, 1, 0, 0, 0, 0),
            submittedAt = DateTimeOffset.UtcNow,
        }, new Dictionary<string, object>
        {
            ["MT-Reason"] = "fault",
            ["MT-Fault-ExceptionType"] = "Microsoft.Data.Sqlite.SqliteException",
            ["MT-Fault-Message"] = "SQLite Error 5: 'database is locked'.",
            ["MT-Fault-Timestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["MT-Fault-InputAddress"] = input,
        });
        Assert.That(await WaitForMessagesAsync(ErrorQueue, n => n > 0), Is.EqualTo(1));

        var list = await CliAsync(null, "errors", "list", ErrorQueue);
        Assert.That(list.Output, Does.Contain(messageId.ToString()).And.Contain("SqliteException").And.Contain("database is locked"));

        var replay = await CliAsync(null, "errors", "replay", ErrorQueue, "--id", messageId.ToString());
        Assert.That(replay.ExitCode, Is.Zero, replay.Output);
        Assert.That(replay.Output, Does.Contain("1 message(s) replayed"));

        Assert.That(await ScoresAsync(patient), Has.Count.EqualTo(1), "scored and recorded after the replay");
        var again = await CliAsync(null, "errors", "replay", ErrorQueue, "--all");
        Assert.That(again.Output, Does.Contain("0 message(s) replayed"), "nothing left to replay");
        await Task.Delay(1000);
        var scored = await _system.CountAsync("scoring", $"SELECT COUNT(*) FROM scores WHERE submission_id = '{submissionId}'");
        var failed = await MessagesAsync(ErrorQueue);
        var waiting = await MessagesAsync("scoring-score-submission");
        Assert.Multiple(() =>
        {
            Assert.That(scored, Is.EqualTo(1), "scored exactly once");
            Assert.That(failed, Is.Zero, "the error queue is empty: no fault on the replayed copy");
            Assert.That(waiting, Is.Zero);
        });
    }

    [Test]
    public async Task Replay_refuses_when_the_queue_the_messages_failed_on_is_gone()
    {
        const string Orphan = "retired-consumer_error";
        using (var management = Management())
        {
            (await management.PutAsJsonAsync($"queues/{Uri.EscapeDataString(_system.Broker.VirtualHost)}/{Orphan}", new { durable = true })).EnsureSuccessStatusCode();
        }

        await PutIntoQueueAsync(Orphan, Guid.NewGuid(), "Surveys.Contracts:SurveySubmitted", new { submissionId = Guid.NewGuid() }, new Dictionary<string, object> { ["MT-Fault-Message"] = "x" });
        var replay = await CliAsync(null, "errors", "replay", Orphan, "--all");
        Assert.That(replay.ExitCode, Is.EqualTo(1), replay.Output);
        Assert.That(replay.Output, Does.Contain("is gone"));
        Assert.That(await MessagesAsync(Orphan), Is.EqualTo(1), "nothing moved");
        using var cleanup = Management();
        (await cleanup.DeleteAsync($"queues/{Uri.EscapeDataString(_system.Broker.VirtualHost)}/{Orphan}")).EnsureSuccessStatusCode();
    }

    [Test]
    public async Task Status_shows_services_and_queues_exits_0_when_healthy_and_1_with_a_failed_message()
    {
        Assert.That(await WaitForMessagesAsync(ErrorQueue, n => n == 0), Is.Zero, "starts from an empty error queue");
        // The broker's queue statistics (consumers, depth) refresh every few seconds: a fresh system may need one more look.
        var status = await RunningSystem.EventuallyAsync(() => CliAsync(null, "status"), r => r.ExitCode == 0, TimeSpan.FromSeconds(20));
        Assert.That(status.ExitCode, Is.Zero, status.Output);
        Assert.That(status.Output, Does.Contain("intake").And.Contain("scoring").And.Contain("notifier").And.Contain("Healthy"));
        Assert.That(status.Output, Does.Contain("scoring-score-submission ").And.Contain("notifier-survey-scored").And.Contain(ErrorQueue));
        Assert.That(status.Output, Does.Contain("All well."));

        var json = JsonNode.Parse((await CliAsync(null, "status", "--json")).Output)!;
        Assert.That(json["healthy"]!.GetValue<bool>(), Is.True);
        Assert.That(json["services"]!.AsArray().Select(s => s!["status"]!.GetValue<string>()), Is.All.EqualTo("Healthy"));
        var work = json["queues"]!.AsArray().Single(q => q!["name"]!.GetValue<string>() == "scoring-score-submission")!;
        Assert.That(work["consumers"]!.GetValue<long>(), Is.GreaterThan(0));

        await PublishPoisonAsync(Guid.NewGuid());
        await WaitForMessagesAsync(ErrorQueue, n => n > 0);
        var failing = await RunningSystem.EventuallyAsync(() => CliAsync(null, "status"), r => r.ExitCode != 0, TimeSpan.FromSeconds(20)); // queue statistics lag
        Assert.That(failing.ExitCode, Is.EqualTo(1), failing.Output);
        Assert.That(failing.Output.Split('\n').Single(l => l.Contains(ErrorQueue, StringComparison.Ordinal)), Does.Contain("needs a person"), "the error queue is marked");

        Assert.That((await CliAsync(null, "errors", "purge", ErrorQueue, "--yes")).ExitCode, Is.Zero);
        await WaitForMessagesAsync(ErrorQueue, n => n == 0);
    }

    [Test]
    public async Task Replays_and_purges_are_refused_without_an_operator_sign_in_and_audited_with_one()
    {
        var queue = "scoring-score-submission_error";
        var before = _signedIn;
        _signedIn = Directory.CreateTempSubdirectory("surveys-nobody-").FullName;
        try
        {
            var refused = await CliAsync(null, "errors", "purge", queue, "--yes");
            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.Output, Does.Contain("sign in as an operator"));
        }
        finally
        {
            Directory.Delete(_signedIn, recursive: true);
            _signedIn = before;
        }

        var purged = await CliAsync(null, "errors", "purge", queue, "--yes");
        Assert.That(purged.ExitCode, Is.Zero, purged.Output);

        using var admin = new HttpClient { BaseAddress = _system.Intake.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", _system.Tokens["admin"]);
        var audit = (await admin.GetFromJsonAsync<JsonArray>("/api/audit?action=errors_purge"))!;
        Assert.That(audit.Any(e => (string)e!["actor"]! == "operator1" && ((string)e["target"]!).EndsWith(queue, StringComparison.Ordinal)), Is.True, audit.ToJsonString());
    }
}
