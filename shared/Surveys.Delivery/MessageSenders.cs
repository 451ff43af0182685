using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Surveys.Delivery;

/// <summary>One message to one address: a patient's contact (intake) or a staff contact (the notifier).</summary>
/// <param name="DeliveryId">The queue row's id, unique per message; senders pass it on (e-mail <c>Message-Id</c>, webhook
/// <c>Idempotency-Key</c> and <c>X-Surveys-Delivery</c>) so a receiver can drop a repeat.</param>
/// <param name="Channel">The contact channel, e.g. email or sms.</param>
public sealed record OutgoingMessage(Guid DeliveryId, string Channel, string To, string Subject, string Text)
{
    /// <summary>A webhook of the recipient's own (a notifier contact's pager); null: the configured <c>Webhook:Url</c> (an SMS gateway).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The JSON a webhook receives; null: <c>{ "to", "text" }</c>.</summary>
    public byte[]? Body { get; init; }
}

/// <summary>
/// The one port through which messages to people leave a service: SMTP (<see cref="SmtpMessageSender"/>), a signed webhook
/// (<see cref="WebhookMessageSender"/>), or the development outbox (<see cref="DevelopmentOutboxSender"/>). A sender throws
/// when the message did not go; the queue then retries it later (<see cref="Deliveries.SendAsync"/>).
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

/// <summary>The registered senders by name.</summary>
public sealed class MessageSenders(IEnumerable<IMessageSender> senders)
{
    private readonly Dictionary<string, IMessageSender> _senders = senders.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>The sender of that name; null when there is none (the development outbox outside Development).</summary>
    public IMessageSender? Find(string? name) => name is not null && _senders.TryGetValue(name, out var sender) ? sender : null;
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

/// <summary>
/// The clock of webhook retry delays and circuit breakers: physical time (they are about the network, not a message's
/// timeline, which runs on the injected <see cref="TimeProvider"/>). Tests replace it to move a breaker on without sleeping.
/// </summary>
public sealed class NetworkClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;
}

/// <summary>
/// POSTs a message through <see cref="SignedWebhook"/> (signed, with <c>Idempotency-Key</c> and <c>X-Surveys-Delivery</c> set to
/// the delivery id, retried with Polly behind a circuit breaker): to <see cref="OutgoingMessage.Endpoint"/> or the configured
/// <c>Webhook:Url</c>, with <see cref="OutgoingMessage.Body"/> or <c>{ "to", "text" }</c>. One <see cref="SignedWebhook"/> per
/// endpoint, kept for the life of the process, so each circuit breaker remembers.
/// </summary>
public sealed class WebhookMessageSender(IHttpClientFactory clients, Func<SignedWebhookOptions> options, ILogger<WebhookMessageSender> logger, NetworkClock? clock = null)
    : IMessageSender
{
    public const string ClientName = "delivery-webhook";

    private readonly ConcurrentDictionary<Uri, SignedWebhook> _webhooks = new();

    public string Name => SenderNames.Webhook;

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options();
        var url = message.Endpoint ?? settings.Url ?? throw new InvalidOperationException("Webhook:Url is not set.");
        var webhook = _webhooks.GetOrAdd(url, u => new SignedWebhook(() => clients.CreateClient(ClientName), settings.For(u), logger, clock?.Time ?? TimeProvider.System));
        var body = message.Body ?? JsonSerializer.SerializeToUtf8Bytes(new { to = message.To, text = message.Text });
        var id = message.DeliveryId.ToString("D");
        return webhook.PostAsync(body, id, id, cancellationToken);
    }
}
