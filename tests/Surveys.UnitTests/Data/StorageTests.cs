using Dapper;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Surveys.Data;
using Surveys.Data.Audit;
using Surveys.Data.Outbox;
using Surveys.Notifier.Alerts;
using Surveys.Scoring.Scoring;

namespace Surveys.UnitTests.Data;

/// <summary>The database abstraction and every service's migrations, on each engine.</summary>
[TestFixture(StorageEngine.Sqlite)]
[TestFixture(StorageEngine.Postgres)]
public class StorageTests(StorageEngine engine)
{
    private TestStorage? _storage;

    internal static MigrationModule[] Modules(System.Reflection.Assembly service) =>
    [
        new(service.GetName().Name!, service) { IsService = true },
        new("outbox", typeof(MessageOutbox).Assembly, "migrations/outbox/"),
        new("audit", typeof(AuditLog).Assembly, "migrations/audit/"),
        Surveys.Delivery.DeliveryRegistration.Migrations,
    ];

    [SetUp]
    public void CreateStorage() => _storage = TestStorage.Create(engine);

    [TearDown]
    public void DropStorage() => _storage?.Dispose(); // null when SetUp ignored the test

    [TestCase(typeof(Surveys.Intake.IntakeOptions))]
    [TestCase(typeof(ScoreStore))]
    [TestCase(typeof(AlertStore))]
    public async Task Each_services_migrations_apply_once_even_when_two_instances_start_together(Type store)
    {
        await using var a = _storage!.Open("service.db");
        await using var b = _storage!.Open("service.db");
        var modules = Modules(store.Assembly);

        // On SQLite a second process would wait for the file's write lock; run them one after the other there.
        if (engine == StorageEngine.Postgres)
        {
            await Task.WhenAll(Migrate(a, modules), Migrate(b, modules));
        }
        else
        {
            await Migrate(a, modules);
            await Migrate(b, modules);
        }

        await Migrate(a, modules);
        var expected = modules.Sum(m => Migrator.FromAssembly(m.Assembly, m.Module, m.Prefix + (engine == StorageEngine.Postgres ? "postgres/" : "")).Count);
        await using var connection = await a.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"), Is.EqualTo(expected));
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox"), Is.Zero);
    }

    [Test]
    public async Task Guids_and_times_round_trip_and_a_failed_write_keeps_nothing()
    {
        await using var db = _storage!.Open("service.db");
        await Migrate(db, Modules(typeof(ScoreStore).Assembly));
        var outbox = new MessageOutbox(TimeProvider.System);
        var id = await db.WriteAsync((connection, transaction) => outbox.EnqueueAsync(connection, transaction, Expired()));

        Assert.ThrowsAsync<InvalidOperationException>(() => db.WriteAsync<int>(async (connection, transaction) =>
        {
            await outbox.EnqueueAsync(connection, transaction, Expired());
            throw new InvalidOperationException("the work failed");
        }));

        await using var read = await db.OpenAsync();
        var rows = (await read.QueryAsync<(Guid Id, DateTimeOffset CreatedAt)>("SELECT id, created_at FROM outbox")).AsList();
        Assert.That(rows.Select(r => r.Id), Is.EqualTo(new[] { id }));
        Assert.That(rows[0].CreatedAt, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
        Assert.That(rows[0].CreatedAt.Offset, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task The_relay_publishes_every_outbox_row_once_and_marks_it_sent()
    {
        await using var host = await HarnessHost.StartOutboxAsync(engine);
        var db = host.Services.GetRequiredService<Db>();
        var outbox = host.Services.GetRequiredService<MessageOutbox>();
        const int Messages = 50;
        for (var i = 0; i < Messages; i++)
        {
            await db.WriteAsync((connection, transaction) => outbox.EnqueueAsync(connection, transaction, Expired()));
        }

        outbox.Notify();
        Assert.That(await host.CountPublishedAsync<Surveys.Contracts.InvitationExpired>(Messages), Is.EqualTo(Messages));
        Assert.That(await host.UnsentAfterWaitingAsync(), Is.Zero);
        Assert.That(await host.CountAsync("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND attempts = 1"), Is.EqualTo(Messages));
        Assert.That(host.Harness.Published.Select<Surveys.Contracts.InvitationExpired>().Count(), Is.EqualTo(Messages));
    }

    internal static Task Migrate(Db db, IEnumerable<MigrationModule> modules) =>
        new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync(modules);

    internal static Surveys.Contracts.InvitationExpired Expired() =>
        new(Guid.NewGuid(), Guid.NewGuid(), "phq9", "1.0.0", DateTimeOffset.UtcNow.AddDays(-7), DateTimeOffset.UtcNow);
}
