using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Testing;

namespace Surveys.Notifier.Tests.Alerts;

/// <summary>
/// The notifier as it runs (its Program) on MassTransit's test harness: a score consumed raises an alert that nurses find,
/// acknowledge and resolve through the alerts API, announced once (PatientAlertRaised); the API's refusals are problem
/// details; every read and action is audited. On SQLite and on PostgreSQL.
/// </summary>
[TestFixture(StorageEngine.Sqlite)]
[TestFixture(StorageEngine.Postgres)]
public class AlertsApiTests(StorageEngine engine)
{
    private NotifierFactory _notifier = null!;
    private HttpClient _nurse = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _notifier = new NotifierFactory(engine);
        _notifier.Start();
        _nurse = _notifier.As("nurse");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _nurse?.Dispose();
        if (_notifier is not null)
        {
            await _notifier.DisposeAsync();
        }
    }

    private async Task<JsonArray> AlertsAsync(Guid patientId) => (await _nurse.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!;

    [Test]
    public async Task A_self_harm_answer_raises_an_urgent_alert_announced_once_that_a_nurse_acknowledges_and_resolves()
    {
        var patientId = Guid.NewGuid();
        var scored = NotifierFactory.Phq9(patientId, 4, "self_harm_risk");

        await _notifier.ScoreAsync(scored);

        var raised = await _notifier.PublishedAsync<PatientAlertRaised>(m => m.SubmissionId == scored.SubmissionId);
        var alert = (await AlertsAsync(patientId)).Single()!;
        var id = alert["id"]!.GetValue<Guid>();
        Assert.Multiple(() =>
        {
            Assert.That(raised, Is.Not.Null, "announced through the outbox");
            Assert.That(raised!.Severity, Is.EqualTo("urgent"));
            Assert.That(raised.AlertId, Is.EqualTo(id));
            Assert.That((alert["rule"]!.GetValue<string>(), alert["severity"]!.GetValue<string>(), alert["status"]!.GetValue<string>()), Is.EqualTo(("critical_item", "urgent", "open")));
            Assert.That(alert["submissionId"]!.GetValue<Guid>(), Is.EqualTo(scored.SubmissionId));
        });

        var details = (await _nurse.GetFromJsonAsync<JsonObject>($"/api/alerts/{id}"))!;
        Assert.That(details["evidence"]!.AsArray(), Is.Not.Empty, "what triggered it");

        var acknowledged = await _nurse.PostAsync(new Uri($"/api/alerts/{id}/acknowledge", UriKind.Relative), null);
        Assert.That(acknowledged.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var afterAcknowledge = (await AlertsAsync(patientId)).Single()!;
        Assert.That((afterAcknowledge["status"]!.GetValue<string>(), afterAcknowledge["acknowledgedBy"]!.GetValue<string>()), Is.EqualTo(("acknowledged", "nurse1")));

        var noOutcome = await Problems.ReadAsync(await _nurse.PostAsJsonAsync($"/api/alerts/{id}/resolve", new { outcome = "shrugged" }), HttpStatusCode.BadRequest);
        var otherWithoutNote = await Problems.ReadAsync(await _nurse.PostAsJsonAsync($"/api/alerts/{id}/resolve", new { outcome = "other" }), HttpStatusCode.BadRequest);
        Assert.Multiple(() =>
        {
            Assert.That(noOutcome["errors"]!["outcome"]![0]!.GetValue<string>(), Does.StartWith("Choose the outcome"));
            Assert.That(otherWithoutNote["errors"]!["note"]![0]!.GetValue<string>(), Does.Contain("Say what happened"));
        });

        var resolved = await _nurse.PostAsJsonAsync($"/api/alerts/{id}/resolve", new { outcome = "contacted_patient", note = "Rang; safe, seen tomorrow." });
        Assert.That(resolved.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await resolved.Content.ReadAsStringAsync());
        var again = await Problems.ReadAsync(await _nurse.PostAsync(new Uri($"/api/alerts/{id}/acknowledge", UriKind.Relative), null), HttpStatusCode.Conflict);
        Assert.That(again["title"]!.GetValue<string>(), Is.EqualTo("Already resolved"));
        var final = (await AlertsAsync(patientId)).Single()!;
        Assert.Multiple(async () =>
        {
            Assert.That((final["status"]!.GetValue<string>(), final["outcome"]!.GetValue<string>(), final["resolvedBy"]!.GetValue<string>()), Is.EqualTo(("resolved", "contacted_patient", "nurse1")));
            Assert.That(_notifier.Harness.Published.Select<PatientAlertRaised>().Count(m => m.Context.Message.SubmissionId == scored.SubmissionId), Is.EqualTo(1), "announced once");
            Assert.That(await _notifier.QueryAsync<string>("SELECT action FROM audit_events WHERE actor = 'nurse1' AND target LIKE @id", new { id = $"{id}%" }),
                Is.SupersetOf(new[] { "alert_view", "alert_acknowledge", "alert_resolve" }));
        });
    }

    [Test]
    public async Task A_calm_score_is_kept_in_the_history_without_an_alert_and_the_history_is_oldest_first()
    {
        var patientId = Guid.NewGuid();
        var first = NotifierFactory.Phq9(patientId, 3);
        var second = NotifierFactory.Phq9(patientId, 2);

        await _notifier.ScoreAsync(first);
        await _notifier.ScoreAsync(second);

        var scores = (await _nurse.GetFromJsonAsync<JsonArray>($"/api/patients/{patientId}/scores"))!;
        Assert.Multiple(async () =>
        {
            Assert.That(scores.Select(s => s!["submissionId"]!.GetValue<Guid>()), Is.EqualTo(new[] { first.SubmissionId, second.SubmissionId }));
            Assert.That(await AlertsAsync(patientId), Is.Empty);
        });
    }

    [Test]
    public async Task Two_missed_surveys_in_a_row_raise_one_routine_alert()
    {
        var patientId = Guid.NewGuid();
        var start = DateTimeOffset.UtcNow.AddDays(-10);
        foreach (var (instrument, day) in new[] { ("phq9", 0), ("t1d_diary", 1), ("gad7", 2) })
        {
            var expired = new InvitationExpired(Guid.NewGuid(), patientId, instrument, "1.0.0", start.AddDays(day), start.AddDays(day + 1));
            await _notifier.Harness.Bus.Publish(expired);
            Assert.That(await _notifier.ConsumedAsync<InvitationExpired>(m => m.InvitationId == expired.InvitationId), Is.True);
        }

        var alerts = await AlertsAsync(patientId);
        Assert.That(alerts.Select(a => (a!["rule"]!.GetValue<string>(), a["severity"]!.GetValue<string>())), Is.EqualTo(new[] { ("missed_surveys", "routine") }));
    }

    [Test]
    public async Task Unresolved_alerts_are_counted_by_severity()
    {
        await _notifier.ScoreAsync(NotifierFactory.Phq9(Guid.NewGuid(), 4, "self_harm_risk"));

        var latest = (await _nurse.GetFromJsonAsync<JsonObject>("/api/alerts/latest"))!;

        Assert.That(latest["unresolved"]!["urgent"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(1));
        Assert.That(latest["latest"]!.GetValue<string>(), Is.Not.Empty);
        Assert.That(latest.ToJsonString(), Does.Not.Contain("patientId"), "counts only");
    }

    [TestCase("status=closed", "status")]
    [TestCase("severity=panic", "severity")]
    [TestCase("rule=made_up", "rule")]
    public async Task A_bad_filter_is_a_validation_problem(string query, string field)
    {
        var problem = await Problems.ReadAsync(await _nurse.GetAsync(new Uri($"/api/alerts?{query}", UriKind.Relative)), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]![field]![0]!.GetValue<string>(), Does.StartWith("Use one of"));
    }

    [Test]
    public async Task An_unknown_alert_is_not_found()
    {
        var id = Guid.NewGuid();

        var read = await Problems.ReadAsync(await _nurse.GetAsync(new Uri($"/api/alerts/{id}", UriKind.Relative)), HttpStatusCode.NotFound);
        var acknowledge = await Problems.ReadAsync(await _nurse.PostAsync(new Uri($"/api/alerts/{id}/acknowledge", UriKind.Relative), null), HttpStatusCode.NotFound);

        Assert.That((read["title"]!.GetValue<string>(), acknowledge["title"]!.GetValue<string>()), Is.EqualTo(("Alert not found", "Alert not found")));
    }

    [Test]
    public async Task Alerts_are_for_nurses_only()
    {
        using var anonymous = _notifier.Anonymous();
        using var operatorClient = _notifier.As("operator");
        foreach (var path in new[] { "/api/alerts", "/api/alerts/latest", $"/api/alerts/{Guid.NewGuid()}", $"/api/patients/{Guid.NewGuid()}/scores" })
        {
            Assert.That((await anonymous.GetAsync(new Uri(path, UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"nobody: {path}");
            Assert.That((await operatorClient.GetAsync(new Uri(path, UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"an operator: {path}");
        }
    }

    [Test]
    public async Task An_action_by_an_account_intake_says_has_changed_is_refused()
    {
        var patientId = Guid.NewGuid();
        await _notifier.ScoreAsync(NotifierFactory.Phq9(patientId, 4, "self_harm_risk"));
        var id = (await AlertsAsync(patientId)).Single()!["id"]!.GetValue<Guid>();
        using var leaving = _notifier.WithToken(_notifier.MintToken("leaving.nurse", "nurse"));
        _notifier.Changed.Add("leaving.nurse");
        var checks = _notifier.AccountChecks;

        var refused = await leaving.PostAsync(new Uri($"/api/alerts/{id}/acknowledge", UriKind.Relative), null);

        Assert.Multiple(async () =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(_notifier.AccountChecks, Is.GreaterThan(checks), "intake was asked");
            Assert.That((await AlertsAsync(patientId)).Single()!["status"]!.GetValue<string>(), Is.EqualTo("open"), "nothing changed");
        });
    }

    [TestCase("operator", HttpStatusCode.Forbidden)]
    [TestCase("admin", HttpStatusCode.OK)]
    [TestCase("nurse", HttpStatusCode.OK)]
    public async Task Who_may_read_the_alert_summary(string role, HttpStatusCode expected)
    {
        using var client = _notifier.As(role);

        using var response = await client.GetAsync(new Uri("/api/alerts/summary", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task The_summary_counts_raised_and_acknowledged_alerts_per_rule()
    {
        var patientId = Guid.NewGuid();
        await _notifier.ScoreAsync(NotifierFactory.Phq9(patientId, 4, "self_harm_risk"));
        var id = (await AlertsAsync(patientId)).Single()!["id"]!.GetValue<Guid>();
        var before = await CriticalAsync();
        (await _nurse.PostAsync(new Uri($"/api/alerts/{id}/acknowledge", UriKind.Relative), null)).EnsureSuccessStatusCode();

        var after = await CriticalAsync();

        Assert.Multiple(() =>
        {
            Assert.That(after["raised"]!.GetValue<int>(), Is.EqualTo(before["raised"]!.GetValue<int>()));
            Assert.That(after["acknowledged"]!.GetValue<int>(), Is.EqualTo(before["acknowledged"]!.GetValue<int>() + 1));
            Assert.That(after["openUnacknowledged"]!.GetValue<int>(), Is.EqualTo(before["openUnacknowledged"]!.GetValue<int>() - 1));
            Assert.That(after["medianHoursToAcknowledge"]!.GetValue<double>(), Is.GreaterThanOrEqualTo(0).And.LessThan(1));
        });
    }

    private async Task<JsonNode> CriticalAsync() =>
        (await _nurse.GetFromJsonAsync<JsonObject>("/api/alerts/summary"))!["rules"]!.AsArray().Single(r => (string)r!["rule"]! == "critical_item")!;
}
