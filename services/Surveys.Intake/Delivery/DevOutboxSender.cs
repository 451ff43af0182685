using Dapper;
using Surveys.Delivery;
using Surveys.Intake.Invitations;
using Surveys.Data;

namespace Surveys.Intake.Delivery;

/// <summary>
/// Development delivery: keeps what would have been sent (text protected like the token) in <c>dev_outbox</c>,
/// shown to admins at /dev/outbox. The default for every contact channel no sender is configured for.
/// </summary>
public sealed class DevOutboxSender(Db db, LinkProtector protector, TimeProvider time) : IMessageSender
{
    public const string SenderName = DevelopmentOutbox.SenderName;

    public string Name => SenderName;

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await db.ExecuteAsync(
            """
            INSERT INTO dev_outbox (delivery_id, contact_channel, recipient, subject, protected_text, created_at)
            VALUES (@DeliveryId, @ContactChannel, @To, @Subject, @text, @now)
            ON CONFLICT (delivery_id) DO NOTHING
            """,
            new { message.DeliveryId, ContactChannel = message.Channel, message.To, message.Subject, text = protector.Protect(message.Text), now = time.GetUtcNow() }, cancellationToken);
    }
}
