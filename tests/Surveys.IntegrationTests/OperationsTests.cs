using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>What operators see: /metrics, one trace across the services, and the console's status and error commands.</summary>
[NonParallelizable]
public class OperationsTests
{
    private RunningSystem _system = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _system = await RunningSystem.StartAsync(new Dictionary<string, string>
    {
        // Each consume logs its trace id (ConsumeTraceObserver), and intake logs its requests.
        ["Logging__LogLevel__Surveys.ServiceDefaults.Observability"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _system.DisposeAsync();

    private static Dictionary<string, int> Phq9(params int[] answers) =>
        answers.Select((a, i) => (i + 1, a)).ToDictionary(p => p.Item1.ToString(CultureInfo.InvariantCulture), p => p.a);

    private static async Task<string> MetricsAsync(ServiceProcess service)
    {
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
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
}
