using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Surveys.Contracts;
using Surveys.Instruments;
using Surveys.Notifier.Alerts;
using Surveys.Notifier.Scores;
using Surveys.Data;
using Surveys.Hosting;
using Surveys.Data.Outbox;

namespace Surveys.UnitTests.Data;

/// <summary>
/// What only PostgreSQL offers: several instances of a service on one database at once. Each "instance" here has
/// its own <see cref="PostgresDb"/> (its own connection pool), as a separate process would.
/// </summary>
public class SeveralInstancesTests
{
    [Test]
    public async Task Three_relays_on_one_outbox_publish_every_row_exactly_once()
    {
        // The host runs a relay of its own; two more race it, with the same broker.
        await using var host = await HarnessHost.StartOutboxAsync(StorageEngine.Postgres);
        var storage = host.Services.GetRequiredService<Db>();
        await using var a = new PostgresDb(host.ConnectionString!);
        await using var b = new PostgresDb(host.ConnectionString!);
        var outbox = new MessageOutbox(TimeProvider.System);
        var bus = host.Services.GetRequiredService<IBus>();
        var relays = new[] { a, b }.Select(db => new OutboxRelay(db, outbox, bus, host.Services.GetRequiredService<Heartbeats>(), TimeProvider.System, Options.Create(new OutboxOptions()), NullLogger<OutboxRelay>.Instance)).ToList();

        const int Messages = 500;
        var written = new List<Guid>();
        for (var i = 0; i < Messages; i++)
        {
            written.Add(await storage.WriteAsync((connection, transaction) => outbox.EnqueueAsync(connection, transaction, StorageTests.Expired())));
        }

        host.Services.GetRequiredService<MessageOutbox>().Notify();
        await Task.WhenAll(relays.Select(async relay =>
        {
            while (await relay.PublishPendingAsync(CancellationToken.None) > 0)
            {
            }
        }));

        // Every relay saw an empty outbox once, and a row is marked sent in the transaction that held it while it
        // was published: all publishing is over, unless the host's relay still holds a batch. Wait for that one.
        Assert.That(await host.CountPublishedAsync<InvitationExpired>(Messages), Is.EqualTo(Messages));
        Assert.That(await host.UnsentAfterWaitingAsync(), Is.Zero);

        var published = host.Harness.Published.Select<InvitationExpired>().Select(m => m.Context.MessageId!.Value).ToList();
        Assert.That(published, Has.Count.EqualTo(Messages), "no row was published twice");
        Assert.That(published, Is.EquivalentTo(written), "the message id is the row id");
        Assert.That(await host.CountAsync("SELECT COUNT(*) FROM outbox WHERE attempts <> 1"), Is.Zero, "each row was handled by one relay");
    }

    [Test]
    public async Task Two_notifier_instances_keep_one_open_alert_per_patient_instrument_and_rule()
    {
        using var storage = TestStorage.Create(StorageEngine.Postgres);
        var instances = Enumerable.Range(0, 2).Select(_ => storage.Open("notifier.db")).ToList();
        await StorageTests.Migrate(instances[0], StorageTests.Modules(typeof(AlertStore).Assembly));
        var rules = new AlertRules(InstrumentCatalog.LoadEmbedded());
        var outbox = new MessageOutbox(TimeProvider.System);
        var stores = instances.Select(db => new AlertStore(db, outbox, TimeProvider.System)).ToList();
        var histories = instances.Select((db, i) => new ScoreHistoryStore(db, stores[i], TimeProvider.System)).ToList();

        // Twenty submissions of one patient, each flagging a self-harm risk, scored on both instances at once.
        var patient = Guid.NewGuid();
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        var scores = Enumerable.Range(0, 20).Select(i => new SurveyScored(
            Guid.NewGuid(), patient, "phq9", "1.0.0", "scored", 4, "minimal", false, ["self_harm_risk"],
            new Dictionary<string, decimal>(), new Dictionary<string, decimal>(), start.AddDays(i), start.AddDays(i))).ToList();
        await Task.WhenAll(scores.Select((score, i) => histories[i % 2].RecordScoreAsync(score, rules, CancellationToken.None)));

        var alerts = await stores[0].FindAlertsAsync(patient, null, CancellationToken.None);
        Assert.That(alerts, Has.Count.EqualTo(1), "one open alert per patient, instrument and rule");
        var (_, evidence) = (await stores[1].GetAlertAsync(alerts[0].Id, CancellationToken.None))!.Value;
        Assert.That(evidence.Select(e => e.SourceId), Is.EquivalentTo(scores.Select(s => s.SubmissionId.ToString())), "every submission's evidence attached to it");
        await using var connection = await instances[0].OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE message_type = 'PatientAlertRaised'"), Is.EqualTo(1), "announced once");

        foreach (var db in instances)
        {
            await db.DisposeAsync();
        }
    }
}
