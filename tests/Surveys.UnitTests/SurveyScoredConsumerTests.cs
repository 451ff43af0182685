using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Contracts;
using Surveys.Notifier.Alerts;
using Surveys.Notifier.Data;
using Surveys.Notifier.Scores;
using Surveys.ServiceDefaults.Data;
using Surveys.ServiceDefaults.Instruments;
using Surveys.ServiceDefaults.Outbox;

namespace Surveys.UnitTests;

public class SurveyScoredConsumerTests
{
    private HarnessHost _host = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _host = await HarnessHost.StartAsync(
            "Surveys.Notifier",
            builder =>
            {
                builder.AddSqliteStore("notifier.db", typeof(NotifierStore).Assembly);
                builder.AddOutbox();
                builder.AddInstruments();
                builder.Services.AddSingleton<NotifierStore>();
                builder.Services.AddSingleton<AlertRules>();
            },
            bus => bus.AddConsumer<SurveyScoredConsumer>());
    }

    [TearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    private static SurveyScored Phq9(decimal total, params string[] flags) => new(
        Guid.NewGuid(), Guid.NewGuid(), "phq9", "1.0.0", "scored", total, "minimal", false, flags,
        new Dictionary<string, decimal>(), new Dictionary<string, decimal>(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    [Test]
    public async Task A_self_harm_flag_is_stored_as_an_open_alert_and_announced()
    {
        var scored = Phq9(4, "self_harm_risk");

        await _host.Harness.Bus.Publish(scored);

        Assert.That(await _host.Harness.Published.Any<PatientAlertRaised>(x => x.Context.Message.SubmissionId == scored.SubmissionId), Is.True);
        var alerts = await _host.Services.GetRequiredService<NotifierStore>().FindAlertsAsync(scored.PatientId, "open", CancellationToken.None);
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
        var store = _host.Services.GetRequiredService<NotifierStore>();
        Assert.That(await store.GetScoresAsync(scored.PatientId, CancellationToken.None), Has.Count.EqualTo(1));
        Assert.That((await store.FindAlertsAsync(scored.PatientId, null, CancellationToken.None)).Select(a => a.Rule), Is.EquivalentTo(new[] { "critical_item", "severe_band" }));
        Assert.That(await _host.CountAsync("SELECT COUNT(*) FROM outbox WHERE message_type = 'PatientAlertRaised'"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_calm_score_is_kept_in_history_without_an_alert()
    {
        var scored = Phq9(3);

        await _host.Harness.Bus.Publish(scored);

        Assert.That(await _host.Harness.Consumed.Any<SurveyScored>(), Is.True);
        var store = _host.Services.GetRequiredService<NotifierStore>();
        var history = await store.GetScoresAsync(scored.PatientId, CancellationToken.None);
        Assert.That(history.Select(h => h.Total), Is.EqualTo(new decimal?[] { 3 }));
        Assert.That(await store.FindAlertsAsync(scored.PatientId, null, CancellationToken.None), Is.Empty);
    }
}
