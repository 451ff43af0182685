using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Surveys.Data;
using Surveys.Delivery;
using Surveys.Intake.Delivery;
using Surveys.Notifier.Alerts;
using Surveys.Notifier.Delivery;

namespace Surveys.UnitTests.Data;

/// <summary>
/// Issue 22 moved intake's and the notifier's message queues into the delivery module's tables. A database made before
/// that keeps its messages: those not yet sent are sent afterwards, once, and the development outbox keeps its entries.
/// </summary>
[TestFixture(StorageEngine.Sqlite)]
[TestFixture(StorageEngine.Postgres)]
public class DeliveryUpgradeTests(StorageEngine engine)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private TestStorage? _storage;

    [SetUp]
    public void CreateStorage() => _storage = TestStorage.Create(engine);

    [TearDown]
    public void DropStorage() => _storage?.Dispose();

    [Test]
    public async Task Intakes_queued_messages_and_development_outbox_move_into_the_delivery_modules_tables()
    {
        await using var db = _storage!.Open("intake.db");
        var modules = StorageTests.Modules(typeof(Surveys.Intake.IntakeOptions).Assembly);
        await MigrateBeforeTheMoveAsync(db, modules, "Surveys.Intake", sqliteVersion: 9, postgresVersion: 5);

        var patient = Guid.NewGuid();
        var invitation = Guid.NewGuid();
        var waiting = Guid.NewGuid();
        var sent = Guid.NewGuid();
        await using (var connection = await db.OpenAsync())
        {
            await connection.ExecuteAsync("INSERT INTO patients (id, created_at, language) VALUES (@patient, @Now, 'hi')", new { patient, Now });
            await connection.ExecuteAsync("INSERT INTO patient_contacts (patient_id, channel, address) VALUES (@patient, 'sms', '+919812345678')", new { patient });
            await connection.ExecuteAsync(
                """
                INSERT INTO invitations (id, patient_id, instrument, definition_version, token_hash, created_at, expires_at, protected_token, due_at)
                VALUES (@invitation, @patient, 'phq9', '1.0.0', 'hash', @Now, @expires, 'protected', @Now)
                """,
                new { invitation, patient, Now, expires = Now.AddDays(7) });
            await connection.ExecuteAsync(
                """
                INSERT INTO deliveries (id, invitation_id, patient_id, kind, contact_channel, created_at, next_attempt_at, attempts, last_error, visit_key)
                VALUES (@waiting, @invitation, @patient, 'invitation', 'sms', @Now, @Now, 2, 'HttpRequestException', 'visit-1/invitation'),
                       (@sent, @invitation, @patient, 'reminder', 'sms', @Now, @Now, 1, NULL, NULL)
                """,
                new { waiting, sent, invitation, patient, Now });
            await connection.ExecuteAsync("UPDATE deliveries SET sent_at = @Now, sent_via = 'webhook' WHERE id = @sent", new { sent, Now });
            await connection.ExecuteAsync(
                "INSERT INTO dev_outbox (delivery_id, contact_channel, recipient, subject, protected_text, created_at) VALUES (@sent, 'sms', '+919812345678', 'Subject', 'protected text', @Now)",
                new { sent, Now });
        }

        await StorageTests.Migrate(db, modules);

        await using (var connection = await db.OpenAsync())
        {
            var rows = (await connection.QueryAsync<(Guid Id, string? OnceKey, string Kind, string Recipient, string Channel, Guid About, long Attempts, string? SentVia)>(
                "SELECT id, once_key, kind, recipient, channel, about, attempts, sent_via FROM delivery_messages ORDER BY kind")).AsList();
            Assert.That(rows, Is.EqualTo(new[]
            {
                (waiting, (string?)"visit-1/invitation/sms", "invitation", patient.ToString("D"), "sms", invitation, 2L, (string?)null),
                (sent, (string?)null, "reminder", patient.ToString("D"), "sms", invitation, 1L, (string?)"webhook"),
            }));
            Assert.That(await connection.QuerySingleAsync<string>("SELECT text FROM delivery_dev_outbox WHERE delivery_id = @sent", new { sent }), Is.EqualTo("protected text"));
            Assert.That(await TableExistsAsync(connection, "deliveries"), Is.False);
            Assert.That(await TableExistsAsync(connection, "dev_outbox"), Is.False);
        }

        // The message still waiting is claimed with the patient's address and language, once; the visit's once-key still holds.
        var claimed = await new DeliveryStore(db).ClaimAsync(waiting, Now.AddHours(1), CancellationToken.None);
        Assert.That(claimed, Is.Not.Null);
        Assert.That((claimed!.Address, claimed.Language, claimed.ProtectedToken, claimed.Message.Attempts), Is.EqualTo(("+919812345678", "hi", "protected", 3)));
        Assert.That(await new DeliveryStore(db).ClaimAsync(sent, Now.AddHours(1), CancellationToken.None), Is.Null, "a sent message is not sent again");
        var again = await db.WriteAsync((connection, transaction) =>
            Deliveries.EnqueueAsync(connection, transaction, new QueuedMessage("invitation", patient.ToString("D"), "sms", invitation, "visit-1/invitation/sms"), Now));
        Assert.That(again, Is.False);
    }

    [Test]
    public async Task The_notifiers_queued_messages_keep_their_step_severity_level_and_digest()
    {
        await using var db = _storage!.Open("notifier.db");
        var modules = StorageTests.Modules(typeof(AlertStore).Assembly);
        await MigrateBeforeTheMoveAsync(db, modules, "Surveys.Notifier", sqliteVersion: 5, postgresVersion: 3);

        var escalation = Guid.NewGuid();
        var digest = Guid.NewGuid();
        await using (var connection = await db.OpenAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO alert_digests (digest_date, created_at, new_routine, open_routine, open_high, open_urgent) VALUES ('2026-11-29', @Now, 4, 3, 2, 1)", new { Now });
            await connection.ExecuteAsync(
                """
                INSERT INTO alert_deliveries (id, step, kind, alert_id, digest_date, severity, level, contact, channel, created_at, next_attempt_at)
                VALUES (@escalation, 'step-a/urgent/2', 'escalation', NULL, NULL, 'urgent', 2, 'ward', 'outbox', @Now, @Now),
                       (@digest, 'digest/2026-11-29', 'digest', NULL, '2026-11-29', NULL, NULL, 'ward', 'outbox', @Now, @Now)
                """,
                new { escalation, digest, Now });
            await connection.ExecuteAsync(
                "INSERT INTO alert_dev_outbox (delivery_id, contact, channel, subject, text, created_at) VALUES (@digest, 'ward', 'outbox', 'Subject', 'Text', @Now)",
                new { digest, Now });
        }

        await StorageTests.Migrate(db, modules);

        var store = new AlertDeliveryStore(db, Options.Create(new AlertingOptions()), new AlertDeliverySignal());
        var told = await store.ClaimAsync(escalation, Now, CancellationToken.None);
        Assert.That((told!.Kind, told.Severity, told.Level, told.Contact, told.Channel, told.Digest), Is.EqualTo(("escalation", "urgent", 2, "ward", "outbox", (DigestCounts?)null)));
        var daily = await store.ClaimAsync(digest, Now, CancellationToken.None);
        Assert.That(daily!.Digest, Is.EqualTo(new DigestCounts(new DateOnly(2026, 11, 29), 4, 1, 2, 3)));
        Assert.That((daily.Severity, daily.Level), Is.EqualTo(((string?)null, (int?)null)));

        await using var read = await db.OpenAsync();
        Assert.That(await read.QueryAsync<string>("SELECT once_key FROM delivery_messages ORDER BY once_key"), Is.EqualTo(new[] { "digest/2026-11-29/ward/outbox", "step-a/urgent/2/ward/outbox" }));
        Assert.That(await read.QuerySingleAsync<string>("SELECT recipient FROM delivery_dev_outbox"), Is.EqualTo("ward"));
        Assert.That(await TableExistsAsync(read, "alert_deliveries"), Is.False);
        Assert.That(await TableExistsAsync(read, "alert_dev_outbox"), Is.False);
    }

    /// <summary>Applies every script the database had before the move (the service's own before <paramref name="sqliteVersion"/> / <paramref name="postgresVersion"/>; no delivery module).</summary>
    private async Task MigrateBeforeTheMoveAsync(Db db, IEnumerable<MigrationModule> modules, string service, int sqliteVersion, int postgresVersion)
    {
        var folder = engine == StorageEngine.Postgres ? "postgres/" : "";
        var before = engine == StorageEngine.Postgres ? postgresVersion : sqliteVersion;
        var scripts = modules.Where(m => m.Module != "delivery")
            .SelectMany(m => Migrator.FromAssembly(m.Assembly, m.Module, m.Prefix + folder))
            .Where(s => s.Module != service || s.Version < before)
            .ToList();
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync(scripts);
    }

    private async Task<bool> TableExistsAsync(System.Data.Common.DbConnection connection, string table) =>
        await connection.ExecuteScalarAsync<long>(
            engine == StorageEngine.Postgres
                ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @table"
                : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table",
            new { table }) > 0;
}
