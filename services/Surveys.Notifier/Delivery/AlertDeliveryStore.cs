using System.Data;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Surveys.Data;
using Surveys.Delivery;
using Surveys.Hosting;
using Surveys.Notifier.Alerts;

namespace Surveys.Notifier.Delivery;

/// <summary>A queued message the loop has claimed, with what it needs to decide and to write the text.</summary>
public sealed record ClaimedAlertDelivery(
    ClaimedMessage Message, string? Severity, int? Level, string? AlertStatus, DateTimeOffset? AcknowledgedAt, DigestCounts? Digest)
{
    public Guid Id => Message.Id;

    public string Kind => Message.Kind;

    public Guid? AlertId => Message.About;

    /// <summary>The contact's name in configuration.</summary>
    public string Contact => Message.Recipient;

    public string Channel => Message.Channel;

    public DateTimeOffset CreatedAt => Message.CreatedAt;
}

/// <summary>What a daily digest says: counts only.</summary>
public sealed record DigestCounts(DateOnly Date, long NewRoutine, long OpenUrgent, long OpenHigh, long OpenRoutine);

/// <summary>Wakes the delivery loop when something was queued (it also polls).</summary>
public sealed class AlertDeliverySignal : WakeSignal;

/// <summary>
/// The SQL of alert delivery: messages on the shared queue (<see cref="Deliveries"/>: one per step, contact and channel,
/// the step being its once-key), escalation state on each alert (<c>escalation_level</c>, <c>escalate_at</c>) and daily
/// digests. Every step is written in one transaction with its precondition, so it happens once.
/// </summary>
public sealed class AlertDeliveryStore(Db db, IOptions<AlertingOptions> options, AlertDeliverySignal signal)
{
    /// <summary>What an alert's message needs to be written, kept on the queued row (<see cref="QueuedMessage.Details"/>): no patient data.</summary>
    private sealed record Details(string? Severity, int? Level, string? Digest);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

#pragma warning disable CA1812 // Dapper instantiates the row classes
    private sealed class AlertStateRow
    {
        public string Status { get; set; } = "";
        public DateTimeOffset? AcknowledgedAt { get; set; }
    }

    private sealed class DigestRow
    {
        public long NewRoutine { get; set; }
        public long OpenUrgent { get; set; }
        public long OpenHigh { get; set; }
        public long OpenRoutine { get; set; }
    }

    private sealed class EscalationRow
    {
        public string Severity { get; set; } = "";
        public long EscalationLevel { get; set; }
        public DateTimeOffset EscalateAt { get; set; }
    }
#pragma warning restore CA1812

    /// <summary>Wakes the loop (after the transaction that queued something committed).</summary>
    public void Notify() => signal.Notify();

    /// <summary>
    /// Inside the transaction that raised an alert or raised its severity: queues the message to the first contact
    /// level for urgent and high alerts and sets when the next level is told. Routine alerts wait for the digest.
    /// </summary>
    public Task QueueRaisedAsync(IDbConnection connection, IDbTransaction transaction, Guid alertId, string severity, DateTimeOffset now) =>
        QueueAtLevelAsync(connection, transaction, alertId, severity, 1, $"{alertId:D}/{severity}/1", AlertDeliveryKinds.Alert, now);

    /// <summary>
    /// Inside the transaction that re-opened an acknowledged alert with new evidence (<paramref name="sourceId"/>):
    /// tells its current escalation level again and starts its acknowledgement time again.
    /// </summary>
    public async Task QueueNewEvidenceAsync(IDbConnection connection, IDbTransaction transaction, Guid alertId, string severity, Guid sourceId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var current = await connection.ExecuteScalarAsync<long>("SELECT escalation_level FROM alerts WHERE id = @alertId", new { alertId }, transaction);
        var level = (int)Math.Clamp(current, 1, options.Value.EscalationContacts.Count);
        await QueueAtLevelAsync(
            connection, transaction, alertId, severity, level, $"{alertId:D}/{severity}/{level.ToString(CultureInfo.InvariantCulture)}/evidence/{sourceId:D}", AlertRepeatKinds.NewEvidence, now);
    }

    /// <summary>Queues the message to <paramref name="level"/> and sets when the next level (or, past the last, the last again) is told.</summary>
    private async Task QueueAtLevelAsync(
        IDbConnection connection, IDbTransaction transaction, Guid alertId, string severity, int level, string step, string kind, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (options.Value.AcknowledgeWithin(severity) is not { } within)
        {
            return;
        }

        var contacts = options.Value.EscalationContacts;
        await InsertStepAsync(connection, transaction, step, kind, alertId, severity, level, contacts[level - 1], now);
        await connection.ExecuteAsync(
            """
            UPDATE alerts SET escalation_level = @level, past_last_level_at = NULL,
                              escalate_at = CASE WHEN status = 'open' AND @more THEN @at ELSE NULL END
            WHERE id = @alertId
            """,
            new { alertId, level, more = level < contacts.Count || RepeatsAtLastLevel(severity), at = now + within },
            transaction);
    }

    /// <summary>An urgent alert nobody acknowledged is sent to the last level again, at its interval, until someone does.</summary>
    private static bool RepeatsAtLastLevel(string severity) => severity == AlertRules.Urgent;

    /// <summary>Open alerts whose acknowledgement time has passed.</summary>
    public async Task<IReadOnlyList<Guid>> DueEscalationsAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT id FROM alerts WHERE escalate_at IS NOT NULL AND escalate_at <= @now AND status = 'open' ORDER BY escalate_at LIMIT 100",
            new { now },
            cancellationToken: ct));
        return ids.AsList();
    }

    /// <summary>
    /// Tells the next contact level about an alert still open after its time, once: the check, the queued messages
    /// and the next due time are one transaction. Returns the level told, or null when there was nothing to do.
    /// </summary>
    public async Task<int?> EscalateAsync(Guid alertId, DateTimeOffset now, CancellationToken ct)
    {
        var result = await db.WriteAsync(async (connection, transaction) =>
        {
            // On PostgreSQL the row stays locked until the step is queued: another instance escalating the same alert,
            // or a nurse acknowledging it, waits and then sees the new state (the step's unique key backs this up).
            var alert = await connection.QuerySingleOrDefaultAsync<EscalationRow>(
                $"""
                SELECT severity AS Severity, escalation_level AS EscalationLevel, escalate_at AS EscalateAt FROM alerts
                WHERE id = @alertId AND status = 'open' AND escalate_at IS NOT NULL AND escalate_at <= @now{db.Sql("", " FOR UPDATE")}
                """,
                new { alertId, now },
                transaction);
            if (alert is null)
            {
                return (int?)null;
            }

            var contacts = options.Value.EscalationContacts;
            var level = (int)alert.EscalationLevel + 1;
            var pastLast = level > contacts.Count;
            if ((pastLast && !RepeatsAtLastLevel(alert.Severity)) || options.Value.AcknowledgeWithin(alert.Severity) is not { } within)
            {
                await connection.ExecuteAsync("UPDATE alerts SET escalate_at = NULL WHERE id = @alertId", new { alertId }, transaction);
                return null;
            }

            // Past the last level: the last level again (a step per due time), and the alert is marked for operators.
            level = Math.Min(level, contacts.Count);
            var step = $"{alertId:D}/{alert.Severity}/{level.ToString(CultureInfo.InvariantCulture)}"
                + (pastLast ? $"/again/{alert.EscalateAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}" : string.Empty);
            await InsertStepAsync(
                connection, transaction, step, pastLast ? AlertRepeatKinds.Reminder : AlertDeliveryKinds.Escalation, alertId, alert.Severity, level, contacts[level - 1], now);
            await connection.ExecuteAsync(
                """
                UPDATE alerts SET escalation_level = @level, escalate_at = CASE WHEN @more THEN @at ELSE NULL END,
                                  past_last_level_at = CASE WHEN @pastLast THEN COALESCE(past_last_level_at, @now) ELSE past_last_level_at END
                WHERE id = @alertId
                """,
                new { alertId, level, more = level < contacts.Count || RepeatsAtLastLevel(alert.Severity), at = now + within, pastLast, now },
                transaction);
            return level;
        }, ct);
        if (result is not null)
        {
            signal.Notify();
        }

        return result;
    }

    /// <summary>
    /// Writes the digest of <paramref name="date"/> once: the counts (routine alerts new since the previous digest,
    /// unresolved by severity), the mark on each counted alert, and a message per digest recipient. False when it
    /// existed already.
    /// </summary>
    public async Task<bool> QueueDigestAsync(DateOnly date, DateTimeOffset now, CancellationToken ct)
    {
        var day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var queued = await db.WriteAsync(async (connection, transaction) =>
        {
            var created = await connection.QueryAsync<string>(
                """
                INSERT INTO alert_digests (digest_date, created_at, new_routine, open_routine, open_high, open_urgent)
                SELECT @day, @now, 0,
                       COUNT(*) FILTER (WHERE severity = 'routine'), COUNT(*) FILTER (WHERE severity = 'high'), COUNT(*) FILTER (WHERE severity = 'urgent')
                FROM alerts WHERE status <> 'resolved'
                ON CONFLICT (digest_date) DO NOTHING
                RETURNING digest_date
                """,
                new { day, now },
                transaction);
            if (!created.Any())
            {
                return false;
            }

            var counted = await connection.ExecuteAsync(
                "UPDATE alerts SET digest_date = @day WHERE severity = 'routine' AND digest_date IS NULL AND created_at <= @now",
                new { day, now },
                transaction);
            await connection.ExecuteAsync("UPDATE alert_digests SET new_routine = @counted WHERE digest_date = @day", new { day, counted }, transaction);
            foreach (var contact in options.Value.DigestRecipients)
            {
                await InsertStepAsync(connection, transaction, $"digest/{day}", AlertDeliveryKinds.Digest, null, null, null, contact, now, day);
            }

            return true;
        }, ct);
        if (queued)
        {
            signal.Notify();
        }

        return queued;
    }

    /// <summary>
    /// Urgent alerts still open after every escalation level was told and the last one's time ran out: they need a
    /// person (shown on /ops, in <c>surveys status</c> and as a metric). Counts only.
    /// </summary>
    public async Task<(long Count, DateTimeOffset? Since)> PastLastLevelAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleAsync<(long, DateTimeOffset?)>(new CommandDefinition(
            "SELECT COUNT(*), MIN(past_last_level_at) FROM alerts WHERE status = 'open' AND past_last_level_at IS NOT NULL", cancellationToken: ct));
    }

    /// <summary>Takes a message for a few minutes (another instance leaves it alone) and reads what it needs; null when it is not due or is held.</summary>
    public async Task<ClaimedAlertDelivery?> ClaimAsync(Guid id, DateTimeOffset now, CancellationToken ct)
    {
        return await db.WriteAsync(async (connection, transaction) =>
        {
            if (await Deliveries.TryClaimAsync(connection, transaction, id, now) is not { } message)
            {
                return null;
            }

            var details = message.Details is null ? new Details(null, null, null) : JsonSerializer.Deserialize<Details>(message.Details, Json)!;
            var alert = message.About is not { } alertId
                ? null
                : await connection.QuerySingleOrDefaultAsync<AlertStateRow>(
                    "SELECT status AS Status, acknowledged_at AS AcknowledgedAt FROM alerts WHERE id = @alertId", new { alertId }, transaction);
            DigestCounts? digest = null;
            if (details.Digest is { } day)
            {
                var counts = await connection.QuerySingleAsync<DigestRow>(
                    """
                    SELECT new_routine AS NewRoutine, open_urgent AS OpenUrgent, open_high AS OpenHigh, open_routine AS OpenRoutine
                    FROM alert_digests WHERE digest_date = @day
                    """,
                    new { day },
                    transaction);
                digest = new DigestCounts(
                    DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture), counts.NewRoutine, counts.OpenUrgent, counts.OpenHigh, counts.OpenRoutine);
            }

            return new ClaimedAlertDelivery(message, details.Severity, details.Level, alert?.Status, alert?.AcknowledgedAt, digest);
        }, ct);
    }

    private static async Task InsertStepAsync(
        IDbConnection connection, IDbTransaction transaction, string step, string kind, Guid? alertId, string? severity, int? level, AlertContact contact, DateTimeOffset now,
        string? digestDate = null)
    {
        var details = JsonSerializer.Serialize(new Details(severity, level, digestDate), Json);
        var name = contact.Name.Trim();
        foreach (var channel in contact.Channels())
        {
            await Deliveries.EnqueueAsync(connection, transaction, new QueuedMessage(kind, name, channel, alertId, $"{step}/{name}/{channel}", details), now);
        }
    }
}
