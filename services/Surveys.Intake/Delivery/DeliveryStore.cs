using Dapper;
using Surveys.Data;
using Surveys.Delivery;

namespace Surveys.Intake.Delivery;

/// <summary>
/// A message the sender loop has claimed: where it goes, the protected token it links to (an open questionnaire of its
/// visit, null when none is open any more) and how many of the visit's questionnaires are open.
/// </summary>
public sealed record ClaimedDelivery(Guid Id, Guid InvitationId, string Kind, string ContactChannel, string? Address, string? ProtectedToken, string Language, int Attempts)
{
    /// <summary>Open questionnaires of the visit (same patient, same due time) the message tells about.</summary>
    public int OpenCount { get; init; } = ProtectedToken is null ? 0 : 1;
}

public sealed record DevOutboxEntry(Guid DeliveryId, string ContactChannel, string Recipient, string Subject, string ProtectedText, DateTimeOffset CreatedAt);

/// <summary>The durable queue of messages to patients and the development outbox.</summary>
public sealed class DeliveryStore(Db db)
{
    private readonly DeliveryLeases _queue = new(db, "deliveries");


#pragma warning disable CA1812 // Dapper instantiates the row classes
    private sealed class ClaimRow
    {
        public Guid Id { get; set; }
        public Guid InvitationId { get; set; }
        public string Kind { get; set; } = "";
        public string ContactChannel { get; set; } = "";
        public string? Address { get; set; }
        public string Language { get; set; } = "en";
        public long Attempts { get; set; }
    }

    private sealed class OpenRow
    {
        public Guid Id { get; set; }
        public string ProtectedToken { get; set; } = "";
    }

    private sealed class OutboxRow
    {
        public Guid DeliveryId { get; set; }
        public string ContactChannel { get; set; } = "";
        public string Recipient { get; set; } = "";
        public string Subject { get; set; } = "";
        public string ProtectedText { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
    }
#pragma warning restore CA1812

    /// <summary>Ids of messages due now, oldest first.</summary>
    public Task<IReadOnlyList<Guid>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct) => _queue.DueAsync(now, limit, ct);

    /// <summary>
    /// Takes the message for this sender for a few minutes (another instance then leaves it alone) and reads what
    /// it needs; null when someone else holds it or it is done.
    /// </summary>
    public async Task<ClaimedDelivery?> ClaimAsync(Guid id, DateTimeOffset now, CancellationToken ct)
    {
        return await db.WriteAsync(async (connection, transaction) =>
        {
            if (!await _queue.TryLeaseAsync(connection, transaction, id, now))
            {
                return null;
            }

            var row = await connection.QuerySingleAsync<ClaimRow>(
                """
                SELECT d.id AS Id, d.invitation_id AS InvitationId, d.kind AS Kind, d.contact_channel AS ContactChannel, c.address AS Address,
                       p.language AS Language, d.attempts AS Attempts
                FROM deliveries d
                JOIN patients p ON p.id = d.patient_id
                LEFT JOIN patient_contacts c ON c.patient_id = d.patient_id AND c.channel = d.contact_channel
                WHERE d.id = @id
                """,
                new { id },
                transaction);

            // The visit's questionnaires still open (same patient and due time; an unscheduled invitation is a visit of
            // its own): the message's own first, then the others in the order they were issued (protocol order).
            var open = (await connection.QueryAsync<OpenRow>(
                $"""
                SELECT o.id AS Id, o.protected_token AS ProtectedToken
                FROM deliveries d
                JOIN invitations i ON i.id = d.invitation_id
                JOIN invitations o ON o.patient_id = d.patient_id AND (o.id = i.id OR o.due_at = i.due_at)
                WHERE d.id = @id AND o.protected_token IS NOT NULL AND o.used_at IS NULL AND o.expired_at IS NULL AND o.superseded_at IS NULL
                      AND o.expires_at > @now
                ORDER BY CASE WHEN o.id = i.id THEN 0 ELSE 1 END, o.created_at, o.{db.InsertionOrder}
                """,
                new { id, now },
                transaction)).AsList();
            return new ClaimedDelivery(row.Id, row.InvitationId, row.Kind, row.ContactChannel, row.Address, open.FirstOrDefault()?.ProtectedToken, row.Language, (int)row.Attempts)
            {
                OpenCount = open.Count,
            };
        }, ct);
    }

    public Task MarkSentAsync(Guid id, string via, DateTimeOffset now, CancellationToken ct) => _queue.MarkSentAsync(id, via, now, ct);

    public Task CancelAsync(Guid id, string reason, DateTimeOffset now, CancellationToken ct) => _queue.CancelAsync(id, reason, now, ct);

    /// <summary>Schedules another attempt, or gives up (failed_at) after the last one.</summary>
    public Task RetryLaterAsync(Guid id, string error, DateTimeOffset nextAttempt, bool giveUp, DateTimeOffset now, CancellationToken ct) =>
        _queue.RetryLaterAsync(id, error, nextAttempt, giveUp, now, ct);

    public async Task<IReadOnlyList<DevOutboxEntry>> DevOutboxAsync(int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            $"""
            SELECT delivery_id AS DeliveryId, contact_channel AS ContactChannel, recipient AS Recipient, subject AS Subject,
                   protected_text AS ProtectedText, created_at AS CreatedAt
            FROM dev_outbox ORDER BY created_at DESC, {db.InsertionOrder} DESC LIMIT @limit
            """,
            new { limit },
            cancellationToken: ct));
        return rows.Select(r => new DevOutboxEntry(r.DeliveryId, r.ContactChannel, r.Recipient, r.Subject, r.ProtectedText, r.CreatedAt)).ToList();
    }

}
