using Dapper;
using Surveys.Data;
using Surveys.ServiceDefaults.Delivery;

namespace Surveys.Intake.Data;

/// <summary>A message the sender loop has claimed: where it goes and the protected token it links to.</summary>
public sealed record ClaimedDelivery(Guid Id, Guid InvitationId, string Kind, string ContactChannel, string? Address, string? ProtectedToken, string Language, int Attempts);

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
        public string? ProtectedToken { get; set; }
        public string Language { get; set; } = "en";
        public long Attempts { get; set; }
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
                       i.protected_token AS ProtectedToken, p.language AS Language, d.attempts AS Attempts
                FROM deliveries d
                JOIN invitations i ON i.id = d.invitation_id
                JOIN patients p ON p.id = d.patient_id
                LEFT JOIN patient_contacts c ON c.patient_id = d.patient_id AND c.channel = d.contact_channel
                WHERE d.id = @id
                """,
                new { id },
                transaction);
            return new ClaimedDelivery(row.Id, row.InvitationId, row.Kind, row.ContactChannel, row.Address, row.ProtectedToken, row.Language, (int)row.Attempts);
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
