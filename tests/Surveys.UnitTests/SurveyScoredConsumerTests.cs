using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Contracts;
using Surveys.Notifier.Alerts;
using Surveys.Notifier.Scores;
using Surveys.Data;
using Surveys.Instruments;
using Surveys.Data.Outbox;

namespace Surveys.UnitTests;

[TestFixture(StorageEngine.Sqlite)]
[TestFixture(StorageEngine.Postgres)]
public class SurveyScoredConsumerTests(StorageEngine engine)
{
    private HarnessHost _host = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _host = await HarnessHost.StartAsync(
            "Surveys.Notifier",
            builder =>
            {
                builder.AddStore("notifier.db", typeof(AlertStore).Assembly);
                builder.Services.AddSingleton(Surveys.Delivery.DeliveryRegistration.Migrations); // the notifier's schema builds on the delivery module's
                builder.AddOutbox();
                builder.AddInstruments();
                builder.Services.AddSingleton<AlertStore>();
                builder.Services.AddSingleton<ScoreHistoryStore>();
                builder.Services.AddSingleton<AlertRules>();
            },
            bus =>
            {
                bus.AddConsumer<SurveyScoredConsumer>();
                bus.AddConsumer<InvitationExpiredConsumer>();
            },
            engine);
    }

    [TearDown]
    public async Task StopAsync()
    {
        if (_host is not null) // null when SetUp ignored the test (no PostgreSQL server)
        {
            await _host.DisposeAsync();
        }
    }

    [Test]
    public async Task Only_a_score_that_tells_someone_wakes_the_outbox_relay()
    {
        using var storage = Data.TestStorage.Create(engine);
        await using var db = storage.Open("notifier-alone.db");
        await Data.StorageTests.Migrate(db, Data.StorageTests.Modules(typeof(AlertStore).Assembly));
        var outbox = new MessageOutbox(TimeProvider.System);
        var store = new ScoreHistoryStore(db, new AlertStore(db, outbox, TimeProvider.System), TimeProvider.System);
        var rules = new AlertRules(Surveys.Instruments.InstrumentCatalog.LoadEmbedded());

        Assert.That(await store.RecordScoreAsync(Phq9(4), rules, CancellationToken.None), Is.True);
        Assert.That(await outbox.WaitAsync(TimeSpan.Zero, CancellationToken.None), Is.False, "a score that raises nothing wakes no one");

        Assert.That(await store.RecordScoreAsync(Phq9(4, "self_harm_risk"), rules, CancellationToken.None), Is.True);
        Assert.That(await outbox.WaitAsync(TimeSpan.Zero, CancellationToken.None), Is.True, "a raised alert wakes the relay");
    }

    private static SurveyScored Phq9(decimal total, params string[] flags) => new(
        Guid.NewGuid(), Guid.NewGuid(), "phq9", "1.0.0", "scored", total, "minimal", false, flags,
        new Dictionary<string, decimal>(), new Dictionary<string, decimal>(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private static SurveyScored Later(SurveyScored first, decimal total, int days, params string[] flags) => first with
    {
        SubmissionId = Guid.NewGuid(),
        Total = total,
        Flags = flags,
        SubmittedAt = first.SubmittedAt.AddDays(days),
        ScoredAt = first.SubmittedAt.AddDays(days),
    };

    /// <summary>The PatientAlertRaised messages written for a patient (the outbox holds every one, sent or not).</summary>
    private Task<long> CountAnnouncedAsync(Guid patientId) =>
        _host.CountAsync("SELECT COUNT(*) FROM outbox WHERE message_type = 'PatientAlertRaised' AND payload LIKE @pattern", new { pattern = $"%{patientId}%" });

    [Test]
    public async Task New_evidence_attaches_to_the_open_alert_and_nobody_is_told_twice()
    {
        var first = Phq9(4, "self_harm_risk");
        var second = Later(first, 5, 14, "self_harm_risk");

        await _host.Harness.Bus.Publish(first);
        await _host.Harness.Bus.Publish(second);
        Assert.That(await _host.CountConsumedAsync<SurveyScored>(2), Is.EqualTo(2));

        var store = _host.Services.GetRequiredService<AlertStore>();
        var alerts = await store.FindAlertsAsync(first.PatientId, null, CancellationToken.None);
        Assert.That(alerts, Has.Count.EqualTo(1), "one open alert per patient, instrument and rule");
        var (_, evidence) = (await store.GetAlertAsync(alerts[0].Id, CancellationToken.None))!.Value;
        Assert.That(evidence.Select(e => e.SourceId), Is.EquivalentTo(new[] { first.SubmissionId.ToString(), second.SubmissionId.ToString() }));
        Assert.That(await CountAnnouncedAsync(first.PatientId), Is.EqualTo(1), "announced once: the severity did not rise");
    }

    private AlertStore Store => _host.Services.GetRequiredService<AlertStore>();

    private ScoreHistoryStore History => _host.Services.GetRequiredService<ScoreHistoryStore>();

    private Task<bool> RecordAsync(SurveyScored scored) => History.RecordScoreAsync(scored, _host.Services.GetRequiredService<AlertRules>(), CancellationToken.None);

    private static SurveyScored Diary(Guid patientId, DateTimeOffset at, params string[] flags) => new(
        Guid.NewGuid(), patientId, "t1d_diary", "1.0.0", "scored", null, null, false, flags,
        new Dictionary<string, decimal>(), new Dictionary<string, decimal>(), at, at);

    [Test]
    public async Task A_submission_made_before_a_resolution_but_processed_after_it_still_raises_an_alert()
    {
        var first = Phq9(4, "self_harm_risk") with { SubmittedAt = DateTimeOffset.UtcNow.AddHours(-1) };
        await RecordAsync(first);
        var alert = (await Store.FindAlertsAsync(first.PatientId, null, CancellationToken.None)).Single();

        // Submitted before the nurse resolved the alert, but scored and received only after: she could not have seen it.
        var late = Later(first, 6, 0, "self_harm_risk") with { SubmittedAt = first.SubmittedAt.AddMinutes(1) };
        Assert.That(await Store.ResolveAsync(alert.Id, "nurse1", "contacted_patient", "Called; safe plan agreed.", CancellationToken.None), Is.EqualTo(AlertChange.Done));
        Assert.That(late.SubmittedAt, Is.LessThan(DateTimeOffset.UtcNow));
        await RecordAsync(late);

        var alerts = await Store.FindAlertsAsync(first.PatientId, null, CancellationToken.None);
        Assert.That(alerts, Has.Count.EqualTo(2), "the late finding raises a new alert");
        var raised = alerts.Single(a => a.Status == "open");
        Assert.That(raised.PreviousAlertId, Is.EqualTo(alert.Id), "it points back at the resolved one");
        Assert.That(raised.SubmissionId, Is.EqualTo(late.SubmissionId));
        Assert.That(raised.Reason, Does.Contain("arrived after the previous alert was resolved"));
        Assert.That(await CountAnnouncedAsync(first.PatientId), Is.EqualTo(2), "people are told");
        var resolved = alerts.Single(a => a.Status == "resolved");
        Assert.That((resolved.Outcome, resolved.Note, resolved.ResolvedBy), Is.EqualTo(("contacted_patient", "Called; safe plan agreed.", "nurse1")));

        // Evidence from after a resolution opens a new alert too, without that note.
        Assert.That(await Store.ResolveAsync(raised.Id, "nurse1", "contacted_patient", null, CancellationToken.None), Is.EqualTo(AlertChange.Done));
        var newer = Later(first, 5, 7, "self_harm_risk") with { SubmittedAt = DateTimeOffset.UtcNow.AddMinutes(5) };
        await RecordAsync(newer);
        var again = (await Store.FindAlertsAsync(first.PatientId, "open", CancellationToken.None)).Single();
        Assert.That(again.PreviousAlertId, Is.EqualTo(raised.Id));
        Assert.That(again.Reason, Does.Not.Contain("arrived after"));
    }

    [Test]
    public async Task A_dka_warning_while_a_severe_hypo_alert_is_open_is_a_separate_alert()
    {
        var patientId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await RecordAsync(Diary(patientId, now.AddDays(-1), "severe_hypo"));
        var hypo = (await Store.FindAlertsAsync(patientId, null, CancellationToken.None)).Single();
        Assert.That(await Store.AcknowledgeAsync(hypo.Id, "nurse1", CancellationToken.None), Is.EqualTo(AlertChange.Done));

        await RecordAsync(Diary(patientId, now, "dka_warning"));

        var alerts = await Store.FindAlertsAsync(patientId, null, CancellationToken.None);
        Assert.That(alerts, Has.Count.EqualTo(2), "a different critical finding is never merged into an open alert");
        var dka = alerts.Single(a => a.Id != hypo.Id);
        Assert.That((dka.Rule, dka.Severity, dka.Status), Is.EqualTo(("critical_item", "urgent", "open")));
        Assert.That(dka.Reason, Does.Contain("item 5").And.Not.Contain("dka_warning"), "plain words, not the flag's code");
        Assert.That(alerts.Single(a => a.Id == hypo.Id).Status, Is.EqualTo("acknowledged"), "the severe-hypo alert is left as it was");
        Assert.That(await CountAnnouncedAsync(patientId), Is.EqualTo(2), "people are told about each");
    }

    [Test]
    public async Task A_relapse_after_improvement_is_compared_with_the_best_result_so_far()
    {
        var first = Phq9(20);
        await RecordAsync(first);
        await RecordAsync(Later(first, 5, 28));
        await RecordAsync(Later(first, 14, 56));

        var alerts = await Store.FindAlertsAsync(first.PatientId, null, CancellationToken.None);
        var relapse = alerts.Single(a => a.Rule == "worse_than_baseline");
        Assert.That(relapse.Reason, Does.StartWith("PHQ-9 rose from 5, the best so far, to 14: +9, threshold +5, and 14 is at least 10"));
    }

    [Test]
    public async Task A_later_score_is_compared_with_the_first_one()
    {
        var baseline = Phq9(6);
        var worse = Later(baseline, 14, 28);

        await _host.Harness.Bus.Publish(baseline);
        Assert.That(await _host.CountConsumedAsync<SurveyScored>(1), Is.EqualTo(1));
        await _host.Harness.Bus.Publish(worse);
        Assert.That(await _host.CountConsumedAsync<SurveyScored>(2), Is.EqualTo(2));

        var alert = (await _host.Services.GetRequiredService<AlertStore>().FindAlertsAsync(baseline.PatientId, null, CancellationToken.None)).Single();
        Assert.That(alert.Rule, Is.EqualTo("worse_than_baseline"));
        Assert.That(alert.Reason, Does.StartWith("PHQ-9 rose from 6 at baseline to 14: +8, threshold +5"));
    }

    [Test]
    public async Task Two_missed_surveys_in_a_row_raise_one_routine_alert()
    {
        var patientId = Guid.NewGuid();
        var start = DateTimeOffset.UtcNow.AddDays(-10);
        foreach (var (instrument, day) in new[] { ("phq9", 0), ("t1d_diary", 1), ("gad7", 2) })
        {
            await _host.Harness.Bus.Publish(new InvitationExpired(Guid.NewGuid(), patientId, instrument, "1.0.0", start.AddDays(day), start.AddDays(day + 1)));
        }

        Assert.That(await _host.CountConsumedAsync<InvitationExpired>(3), Is.EqualTo(3));
        var alerts = await _host.Services.GetRequiredService<AlertStore>().FindAlertsAsync(patientId, null, CancellationToken.None);
        Assert.That(alerts.Select(a => (a.Rule, a.Severity, a.Instrument)), Is.EqualTo(new[] { ("missed_surveys", "routine", "all") }));
    }

    [Test]
    public async Task A_self_harm_flag_is_stored_as_an_open_alert_and_announced()
    {
        var scored = Phq9(4, "self_harm_risk");

        await _host.Harness.Bus.Publish(scored);

        Assert.That(await _host.Harness.Published.Any<PatientAlertRaised>(x => x.Context.Message.SubmissionId == scored.SubmissionId), Is.True);
        var alerts = await _host.Services.GetRequiredService<AlertStore>().FindAlertsAsync(scored.PatientId, "open", CancellationToken.None);
        Assert.That(alerts, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(alerts[0].Rule, Is.EqualTo("critical_item"));
            Assert.That(alerts[0].Severity, Is.EqualTo("urgent"));
            Assert.That(alerts[0].SubmissionId, Is.EqualTo(scored.SubmissionId));
        });
    }

    [Test]
    public async Task A_redelivered_score_keeps_one_history_entry_and_one_alert()
    {
        var scored = Phq9(21, "self_harm_risk");

        await _host.Harness.Bus.Publish(scored);
        await _host.Harness.Bus.Publish(scored);

        Assert.That(await _host.CountConsumedAsync<SurveyScored>(2), Is.EqualTo(2));
        Assert.That(await History.GetScoresAsync(scored.PatientId, CancellationToken.None), Has.Count.EqualTo(1));
        Assert.That((await Store.FindAlertsAsync(scored.PatientId, null, CancellationToken.None)).Select(a => a.Rule), Is.EquivalentTo(new[] { "critical_item", "severe_band" }));
        Assert.That(await _host.CountAsync("SELECT COUNT(*) FROM outbox WHERE message_type = 'PatientAlertRaised'"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_calm_score_is_kept_in_history_without_an_alert()
    {
        var scored = Phq9(3);

        await _host.Harness.Bus.Publish(scored);

        Assert.That(await _host.Harness.Consumed.Any<SurveyScored>(), Is.True);
        var history = await History.GetScoresAsync(scored.PatientId, CancellationToken.None);
        Assert.That(history.Select(h => h.Total), Is.EqualTo(new decimal?[] { 3 }));
        Assert.That(await Store.FindAlertsAsync(scored.PatientId, null, CancellationToken.None), Is.Empty);
    }
}
