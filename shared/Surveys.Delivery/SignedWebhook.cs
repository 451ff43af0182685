using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Surveys.Delivery;

/// <summary>A webhook endpoint and how hard to try it.</summary>
public sealed class SignedWebhookOptions
{
    public Uri? Url { get; set; }

    /// <summary>Signs each request (<see cref="SignedWebhook.Sign"/>). 16+ characters.</summary>
    public string? Secret { get; set; }

    /// <summary>Retries within one send (exponential from <see cref="RetryDelay"/>, with jitter) on 5xx, 408, 429 and network errors.</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one request may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The circuit opens when this share of requests failed within <see cref="BreakerSamplingDuration"/>...</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>...and at least this many requests were made in it.</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses requests at once (at least 0.5 s) before letting one through to test.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>These settings for another endpoint (a contact's own webhook).</summary>
    public SignedWebhookOptions For(Uri url)
    {
        var copy = (SignedWebhookOptions)MemberwiseClone();
        copy.Url = url;
        return copy;
    }
}

/// <summary>
/// The one way services POST JSON to a webhook: signed with
/// <c>X-Surveys-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c> over the time, the idempotency key, the
/// delivery id and the raw body (<see cref="Sign"/>), so a receiver can refuse a replayed or re-addressed request;
/// an <c>Idempotency-Key</c> header so the receiver can drop a repeat and <c>X-Surveys-Delivery</c> naming the
/// delivery; and a Polly pipeline: retries (exponential, jitter, bounded) around a circuit breaker that fails fast
/// while the endpoint keeps failing. Keep one instance per endpoint for as long as the breaker's state should last.
/// Throws when the endpoint did not accept the body; the caller's durable queue retries later.
/// </summary>
public sealed partial class SignedWebhook
{
    public const string SignatureHeader = "X-Surveys-Signature";
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string DeliveryHeader = "X-Surveys-Delivery";

    private readonly Func<HttpClient> _http;
    private readonly SignedWebhookOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeProvider _time;

    public SignedWebhook(HttpClient http, SignedWebhookOptions options, ILogger logger, TimeProvider? time = null)
        : this(() => http, options, logger, time)
    {
    }

    /// <param name="http">Gives the client for each send (e.g. from IHttpClientFactory); it is not disposed here.</param>
    /// <param name="time">The clock of the retry delays and the breaker (physical time: the system clock by default).</param>
    public SignedWebhook(Func<HttpClient> http, SignedWebhookOptions options, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options;
        _time = time ?? TimeProvider.System;
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TaskCanceledException>(ex => ex.InnerException is TimeoutException)
            .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient, // an open circuit (BrokenCircuitException) is not retried: it fails fast
                MaxRetryAttempts = Math.Max(0, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, Describe(args.Outcome));
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = Math.Clamp(options.BreakerFailureRatio, 0.01, 1.0),
                MinimumThroughput = Math.Max(2, options.BreakerMinimumThroughput),
                SamplingDuration = options.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500) ? TimeSpan.FromMilliseconds(500) : options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration < TimeSpan.FromMilliseconds(500) ? TimeSpan.FromMilliseconds(500) : options.BreakerBreakDuration,
                OnOpened = args =>
                {
                    LogOpened(logger, args.BreakDuration, Describe(args.Outcome));
                    return default;
                },
                OnClosed = _ =>
                {
                    LogClosed(logger);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>
    /// The signature header's value: <c>t={timestamp},v1={hex HMAC-SHA256 with the secret}</c> over the UTF-8 text
    /// <c>{timestamp}.{idempotencyKey}.{deliveryId}.</c> followed by the raw body bytes. Each attempt is signed anew
    /// with the time it is sent.
    /// </summary>
    public static string Sign(string secret, long timestamp, string idempotencyKey, string deliveryId, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{timestamp}.{idempotencyKey}.{deliveryId}."));
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        var mac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        return string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={mac}");
    }

    /// <summary>POSTs <paramref name="body"/> (UTF-8 JSON) signed, with the idempotency key and the delivery id.</summary>
    /// <exception cref="HttpRequestException">The endpoint answered with a failure or could not be reached.</exception>
    /// <exception cref="BrokenCircuitException">The circuit is open: nothing was sent.</exception>
    public async Task PostAsync(byte[] body, string idempotencyKey, string deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        ArgumentException.ThrowIfNullOrEmpty(deliveryId);
        if (_options.Url is null || string.IsNullOrEmpty(_options.Secret))
        {
            throw new InvalidOperationException("The webhook's URL and secret must be set.");
        }

        var secret = _options.Secret;
        using var response = await _pipeline.ExecuteAsync(async token =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
            request.Headers.Add(SignatureHeader, Sign(secret, _time.GetUtcNow().ToUnixTimeSeconds(), idempotencyKey, deliveryId, body));
            request.Headers.Add(IdempotencyHeader, idempotencyKey);
            request.Headers.Add(DeliveryHeader, deliveryId);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(_options.Timeout);
            try
            {
                return await _http().SendAsync(request, timeout.Token);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                throw new TaskCanceledException("The webhook did not answer in time.", new TimeoutException(), timeout.Token);
            }
        }, cancellationToken);

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The webhook answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception?.GetType().Name ?? ((int)outcome.Result!.StatusCode).ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery failed ({What}); retry {Attempt}")]
    private static partial void LogRetry(ILogger logger, int attempt, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook circuit opened for {BreakDuration} after repeated failures ({What})")]
    private static partial void LogOpened(ILogger logger, TimeSpan breakDuration, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook circuit closed again")]
    private static partial void LogClosed(ILogger logger);
}
