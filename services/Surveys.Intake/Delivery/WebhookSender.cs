using System.Text.Json;
using Microsoft.Extensions.Options;
using Surveys.Delivery;

namespace Surveys.Intake.Delivery;

/// <summary>
/// POSTs <c>{ "to", "text" }</c> to an SMS gateway (or any webhook) through the shared <see cref="SignedWebhook"/>:
/// signed with <c>X-Surveys-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c> (Delivery:Webhook:Secret; see
/// <see cref="SignedWebhook.Sign"/>), with <c>Idempotency-Key</c> and <c>X-Surveys-Delivery</c> set to the delivery id, retried with Polly (exponential,
/// bounded) on 5xx, 408, 429 and network errors behind a circuit breaker.
/// </summary>
public sealed class WebhookSender : IMessageSender
{
    public const string SenderName = SenderNames.Webhook;
    public const string SignatureHeader = SignedWebhook.SignatureHeader;
    public const string DeliveryHeader = SignedWebhook.DeliveryHeader;

    private readonly SignedWebhook _webhook;

    public WebhookSender(HttpClient http, IOptions<DeliveryOptions> options, ILogger<WebhookSender> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _webhook = new SignedWebhook(http, options.Value.Webhook, logger, time);
    }

    public string Name => SenderName;

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { to = message.To, text = message.Text });
        var id = message.DeliveryId.ToString("D");
        return _webhook.PostAsync(body, id, id, cancellationToken);
    }
}
