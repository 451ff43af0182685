namespace Surveys.Intake.Delivery;

/// <summary>One message to one patient contact: the clinic's name, a neutral sentence and the link; nothing clinical.</summary>
/// <param name="DeliveryId">Unique per message; senders pass it on so a receiver can drop a repeat.</param>
public sealed record OutgoingMessage(Guid DeliveryId, string ContactChannel, string To, string Subject, string Text);

/// <summary>The port through which invitations leave intake (SMTP, a webhook, or the development outbox).</summary>
public interface IInvitationSender
{
    /// <summary>The name used in <c>Delivery:Channels</c>: smtp, webhook or outbox.</summary>
    string Name { get; }

    /// <summary>Sends the message or throws; the caller retries later.</summary>
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
