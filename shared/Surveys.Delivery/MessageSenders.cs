namespace Surveys.Delivery;

/// <summary>One message to one address: a patient's contact (intake) or a staff contact (the notifier).</summary>
/// <param name="DeliveryId">The queue row's id, unique per message; senders pass it on (e-mail <c>Message-Id</c>, webhook
/// <c>Idempotency-Key</c> and <c>X-Surveys-Delivery</c>) so a receiver can drop a repeat.</param>
/// <param name="Channel">The contact channel, e.g. email or sms.</param>
public sealed record OutgoingMessage(Guid DeliveryId, string Channel, string To, string Subject, string Text);

/// <summary>
/// The one port through which messages to people leave a service: SMTP (<see cref="SmtpMessageSender"/>), a signed webhook,
/// or the development outbox (<see cref="DevelopmentOutbox"/>). A sender throws when the message did not go; the
/// service's durable queue then retries it later (<see cref="DeliveryRetry"/>).
/// </summary>
public interface IMessageSender
{
    /// <summary>The sender's name in configuration: <see cref="SenderNames.Smtp"/>, <see cref="SenderNames.Webhook"/> or <see cref="SenderNames.Outbox"/>.</summary>
    string Name { get; }

    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

public static class SenderNames
{
    public const string Smtp = "smtp";
    public const string Webhook = "webhook";
    public const string Outbox = DevelopmentOutbox.SenderName;
}

/// <summary>E-mail through <see cref="SmtpTransport"/> (MailKit), with the options read at each send.</summary>
public sealed class SmtpMessageSender(Func<SmtpTransportOptions> options) : IMessageSender
{
    public string Name => SenderNames.Smtp;

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SmtpTransport.SendAsync(options(), new PlainMail(message.To, message.Subject, message.Text, message.DeliveryId), cancellationToken);
    }
}
