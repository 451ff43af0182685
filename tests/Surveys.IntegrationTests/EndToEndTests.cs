using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>The whole pipeline, HTTP to RabbitMQ to scoring to the notifier, on real processes.</summary>
[NonParallelizable]
public class EndToEndTests
{
    private RunningSystem _system = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _system = await RunningSystem.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _system.DisposeAsync();

    private static Dictionary<string, int> Phq9(params int[] answers) => Answers(answers);

    private static Dictionary<string, int> Answers(int[] answers) =>
        answers.Select((a, i) => (i + 1, a)).ToDictionary(p => p.Item1.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.a);

    /// <summary>The patient's score history, once it holds at least one score (or after 10 s).</summary>
    private async Task<JsonArray> ScoresAsync(Guid patientId) => await RunningSystem.EventuallyAsync(
        async () => (await _system.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/patients/{patientId}/scores"))!,
        s => s.Count > 0,
        TimeSpan.FromSeconds(10));

    private async Task<JsonArray> AlertsAsync(Guid patientId) =>
        (await _system.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}&status=open"))!;

    [Test]
    public async Task A_phq9_with_item_9_answered_raises_an_alert_a_nurse_can_see_within_ten_seconds()
    {
        var patientId = await _system.CreatePatientAsync();
        var token = await _system.InviteAsync(patientId, "phq9");

        var submissionId = await _system.SubmitAsync(token, Phq9(1, 1, 0, 1, 0, 0, 0, 0, 1));

        var alerts = await RunningSystem.EventuallyAsync(() => AlertsAsync(patientId), a => a.Count > 0, TimeSpan.FromSeconds(10));
        Assert.That(alerts, Has.Count.EqualTo(1), "no alert within 10 s");
        var alert = alerts[0]!;
        Assert.Multiple(() =>
        {
            Assert.That(alert["rule"]!.GetValue<string>(), Is.EqualTo("critical_item"));
            Assert.That(alert["severity"]!.GetValue<string>(), Is.EqualTo("urgent"));
            Assert.That(alert["status"]!.GetValue<string>(), Is.EqualTo("open"));
            Assert.That(alert["instrument"]!.GetValue<string>(), Is.EqualTo("phq9"));
            Assert.That(alert["patientId"]!.GetValue<Guid>(), Is.EqualTo(patientId));
            Assert.That(alert["submissionId"]!.GetValue<Guid>(), Is.EqualTo(submissionId));
        });
    }

    [Test]
    public async Task A_calm_phq9_is_scored_and_stored_without_an_alert()
    {
        var patientId = await _system.CreatePatientAsync();
        var token = await _system.InviteAsync(patientId, "phq9");

        var submissionId = await _system.SubmitAsync(token, Phq9(0, 1, 0, 0, 1, 0, 0, 0, 0));

        var scores = await ScoresAsync(patientId);
        Assert.That(scores, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(scores[0]!["submissionId"]!.GetValue<Guid>(), Is.EqualTo(submissionId));
            Assert.That(scores[0]!["status"]!.GetValue<string>(), Is.EqualTo("scored"));
            Assert.That(scores[0]!["total"]!.GetValue<decimal>(), Is.EqualTo(2));
            Assert.That(scores[0]!["band"]!.GetValue<string>(), Is.EqualTo("minimal"));
        });

        // The notifier stores a score and its alerts in one transaction: with the score visible, no alert means none.
        Assert.That(await AlertsAsync(patientId), Is.Empty);

        var status = await RunningSystem.EventuallyAsync(
            async () => (await _system.IntakeClient.GetFromJsonAsync<JsonObject>($"/api/responses/{submissionId}"))!,
            s => s["status"]!.GetValue<string>() == "scored",
            TimeSpan.FromSeconds(10));
        Assert.That(status["status"]!.GetValue<string>(), Is.EqualTo("scored"));
        Assert.That(status["scoreStatus"]!.GetValue<string>(), Is.EqualTo("scored"));
    }

    [Test]
    public async Task A_paid20_keeps_its_decimal_total_through_the_pipeline()
    {
        var patientId = await _system.CreatePatientAsync();
        var token = await _system.InviteAsync(patientId, "paid20");
        int[] manualExample = [3, 0, 1, 2, 0, 0, 1, 2, 4, 1, 2, 0, 4, 1, 2, 0, 3, 2, 0, 1];

        await _system.SubmitAsync(token, Answers(manualExample));

        var scores = await ScoresAsync(patientId);
        Assert.That(scores, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(scores[0]!["total"]!.GetValue<decimal>(), Is.EqualTo(36.25m));
            Assert.That(scores[0]!["band"]!.GetValue<string>(), Is.EqualTo("moderate"));
        });
    }

    [Test]
    public async Task A_diary_with_a_warning_sign_raises_an_urgent_and_a_high_alert()
    {
        var patientId = await _system.CreatePatientAsync();
        var token = await _system.InviteAsync(patientId, "t1d_diary");
        // Item 7 (fast or deep breathing) graded 3: the diary's dka_warning flag and a severe symptom grade
        // (items 13-18 of version 2.0.0: 40 units, no glucagon, mmol/L, lowest 5.0, highest ketones 0, no hospital).
        int[] diary = [1, 1, 2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 40, 0, 1, 5, 0, 0];

        await _system.SubmitAsync(token, Answers(diary));

        var alerts = await RunningSystem.EventuallyAsync(() => AlertsAsync(patientId), a => a.Count >= 2, TimeSpan.FromSeconds(10));
        Assert.That(alerts.Select(a => $"{a!["rule"]}/{a["severity"]}"), Is.EquivalentTo(new[] { "critical_item/urgent", "severe_band/high" }));
        Assert.That(alerts.Select(a => a!["finding"]!.GetValue<string>()), Has.Some.EqualTo("dka_warning"));
    }

    [Test]
    public async Task A_submission_for_an_unknown_definition_goes_to_the_error_queue_and_blocks_nothing()
    {
        var patientId = Guid.NewGuid();
        await _system.Broker.PublishAsync("Surveys.Contracts:SurveySubmitted", new
        {
            submissionId = Guid.NewGuid(),
            invitationId = Guid.NewGuid(),
            patientId,
            instrument = "phq9",
            definitionVersion = "0.0.0-unknown",
            answers = new Dictionary<string, int>(),
            submittedAt = DateTimeOffset.UtcNow,
        });

        var errorQueue = await RunningSystem.EventuallyAsync(
            () => _system.Broker.QueueAsync("scoring-score-submission_error"),
            q => q?["messages"]?.GetValue<int>() > 0,
            TimeSpan.FromSeconds(15));
        Assert.That(errorQueue?["messages"]?.GetValue<int>(), Is.EqualTo(1));
        var failed = await _system.Broker.PeekAsync("scoring-score-submission_error", 1);
        var headers = failed[0]!["properties"]!["headers"]!.AsObject();
        Assert.That(headers["MT-Fault-Message"]!.GetValue<string>(), Does.Contain("Unknown instrument 'phq9' version '0.0.0-unknown'"));

        // The queue keeps flowing: a good submission after the bad one is scored.
        var goodPatient = await _system.CreatePatientAsync();
        await _system.SubmitAsync(await _system.InviteAsync(goodPatient, "phq9"), Phq9(0, 0, 0, 0, 0, 0, 0, 0, 0));
        var scores = await ScoresAsync(goodPatient);
        Assert.That(scores, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Every_queue_is_a_durable_quorum_queue()
    {
        var queues = await _system.Broker.QueuesAsync();
        var durable = queues.Select(q => q!.AsObject()).Where(q => !q["auto_delete"]!.GetValue<bool>()).ToList();

        Assert.That(durable.Select(q => q["name"]!.GetValue<string>()), Is.SupersetOf(new[] { "intake-survey-scored", "scoring-score-submission", "notifier-survey-scored" }));
        Assert.Multiple(() =>
        {
            foreach (var queue in durable)
            {
                Assert.That(queue["type"]!.GetValue<string>(), Is.EqualTo("quorum"), queue["name"]!.GetValue<string>());
                Assert.That(queue["durable"]!.GetValue<bool>(), Is.True, queue["name"]!.GetValue<string>());
            }

            // Consumer queues dead-letter a message that keeps crashing its consumer into their error queue,
            // which exists from the start so nothing dead-lettered is dropped.
            foreach (var queue in durable.Where(q => !q["name"]!.GetValue<string>().EndsWith("_error", StringComparison.Ordinal)))
            {
                var name = queue["name"]!.GetValue<string>();
                Assert.That(queue["arguments"]!["x-delivery-limit"]!.GetValue<int>(), Is.EqualTo(10), name);
                Assert.That(queue["arguments"]!["x-dead-letter-exchange"]!.GetValue<string>(), Is.EqualTo($"{name}_error"), name);
                Assert.That(durable.Select(q => q["name"]!.GetValue<string>()), Does.Contain($"{name}_error"));
            }
        });
    }
}
