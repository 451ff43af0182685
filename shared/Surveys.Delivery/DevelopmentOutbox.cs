using Dapper;
using Microsoft.Extensions.Hosting;
using Surveys.Data;

namespace Surveys.Delivery;

/// <summary>
/// The development outbox: in Development, messages are kept (and shown on the staff portal's development outbox page)
/// instead of leaving the machine. Clinical safety: outside Development it is refused, in each service's start-up
/// check, so that an urgent alert or a patient's link never lands where nobody reads it while the platform reports it
/// sent; the sender is not even registered there, and the JSON APIs that read it exist only in Development.
/// </summary>
public static class DevelopmentOutbox
{
    public const string SenderName = "outbox";

    /// <summary>Whether messages may go to the development outbox in this environment.</summary>
    public static bool Allowed(IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.IsDevelopment();
    }

    public static bool IsOutbox(string? sender) => string.Equals(sender?.Trim(), SenderName, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A message kept in the development outbox; <see cref="Text"/> as stored (protected when the service protects it).</summary>
public sealed record DevelopmentOutboxEntry(Guid DeliveryId, string Channel, string Recipient, string Subject, string Text, DateTimeOffset CreatedAt);

/// <summary>How a service keeps the development outbox's texts: intake's hold a patient's link and are protected with Data Protection.</summary>
public interface IOutboxTextProtector
{
    string Protect(string plain);

    /// <summary>The text, or null when it can no longer be read (the keys that protected it are gone).</summary>
    string? Unprotect(string stored);
}

/// <summary>Development delivery: keeps what would have been sent in <c>delivery_dev_outbox</c> (registered only in Development).</summary>
public sealed class DevelopmentOutboxSender(Db db, TimeProvider time, IOutboxTextProtector? protector = null) : IMessageSender
{
    public string Name => SenderNames.Outbox;

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await db.ExecuteAsync(
            """
            INSERT INTO delivery_dev_outbox (delivery_id, channel, recipient, subject, text, created_at)
            VALUES (@DeliveryId, @Channel, @To, @Subject, @text, @now)
            ON CONFLICT (delivery_id) DO NOTHING
            """,
            new { message.DeliveryId, message.Channel, message.To, message.Subject, text = protector?.Protect(message.Text) ?? message.Text, now = time.GetUtcNow() },
            cancellationToken);
    }

    /// <summary>The newest <paramref name="limit"/> messages, newest first, with their texts readable (<see cref="Unreadable"/> when they are not).</summary>
    public async Task<IReadOnlyList<DevelopmentOutboxEntry>> ReadAsync(int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT delivery_id AS DeliveryId, channel AS Channel, recipient AS Recipient, subject AS Subject, text AS Text, created_at AS CreatedAt
            FROM delivery_dev_outbox ORDER BY created_at DESC, {db.InsertionOrder} DESC LIMIT @limit
            """,
            new { limit },
            cancellationToken: ct));
        return rows.Select(r => new DevelopmentOutboxEntry(
            r.DeliveryId, r.Channel, r.Recipient, r.Subject, protector is null ? r.Text : protector.Unprotect(r.Text) ?? Unreadable, r.CreatedAt)).ToList();
    }

    public const string Unreadable = "(this message can no longer be read: the keys that protected it are gone)";

#pragma warning disable CA1812 // Dapper instantiates it
    private sealed class Row
    {
        public Guid DeliveryId { get; set; }
        public string Channel { get; set; } = "";
        public string Recipient { get; set; } = "";
        public string Subject { get; set; } = "";
        public string Text { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
    }
#pragma warning restore CA1812
}
