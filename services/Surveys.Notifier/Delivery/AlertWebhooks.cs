using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Surveys.ServiceDefaults.Delivery;

namespace Surveys.Notifier.Delivery;

/// <summary>One <see cref="SignedWebhook"/> per contact address, kept for the life of the process so each circuit breaker remembers.</summary>
public sealed class AlertWebhooks(IHttpClientFactory clients, IOptions<AlertingOptions> options, ILogger<AlertWebhooks> logger)
{
    public const string ClientName = "alert-webhook";

    private readonly ConcurrentDictionary<Uri, SignedWebhook> _webhooks = new();

    /// <remarks>Retry delays and the breaker run on the system clock: they are about the network, not the alert's timeline.</remarks>
    public SignedWebhook For(Uri url) => _webhooks.GetOrAdd(url, u =>
    {
        var settings = options.Value.Webhook;
        return new SignedWebhook(() => clients.CreateClient(ClientName), new SignedWebhookOptions
        {
            Url = u,
            Secret = options.Value.WebhookSecret,
            MaxRetries = settings.MaxRetries,
            RetryDelay = settings.RetryDelay,
            MaxRetryDelay = settings.MaxRetryDelay,
            Timeout = settings.Timeout,
            BreakerFailureRatio = settings.BreakerFailureRatio,
            BreakerMinimumThroughput = settings.BreakerMinimumThroughput,
            BreakerSamplingDuration = settings.BreakerSamplingDuration,
            BreakerBreakDuration = settings.BreakerBreakDuration,
        }, logger, TimeProvider.System);
    });
}
