using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Surveys.Delivery;

namespace Surveys.Notifier.Delivery;

/// <summary>
/// The clock of webhook retry delays and circuit breakers: physical time (they are about the network, not the alert's
/// timeline, which runs on the injected <see cref="TimeProvider"/>). Tests replace it to move a breaker on without sleeping.
/// </summary>
public sealed class NetworkClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;
}

/// <summary>One <see cref="SignedWebhook"/> per contact address, kept for the life of the process so each circuit breaker remembers.</summary>
public sealed class AlertWebhooks(IHttpClientFactory clients, IOptions<AlertingOptions> options, ILogger<AlertWebhooks> logger, NetworkClock? clock = null)
{
    public const string ClientName = "alert-webhook";

    private readonly ConcurrentDictionary<Uri, SignedWebhook> _webhooks = new();

    /// <remarks>Retry delays and the breaker run on the <see cref="NetworkClock"/> (the system clock unless a test replaces it).</remarks>
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
        }, logger, clock?.Time ?? TimeProvider.System);
    });
}
