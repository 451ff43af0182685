using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Surveys.Intake.Delivery;

/// <summary>
/// POSTs <c>{ "to", "text" }</c> to an SMS gateway (or any webhook), signed with
/// <c>X-Surveys-Signature: sha256=&lt;hex HMAC-SHA256 of the body with Delivery:Webhook:Secret&gt;</c>, and retried
/// with Polly (exponential, bounded) on 5xx, 408, 429 and network errors.
/// </summary>
public sealed partial class WebhookSender : IInvitationSender
{
    public const string SenderName = "webhook";
    public const string SignatureHeader = "X-Surveys-Signature";
    public const string DeliveryHeader = "X-Surveys-Delivery";

    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public WebhookSender(HttpClient http, IOptions<DeliveryOptions> options, ILogger<WebhookSender> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value.Webhook;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time ?? TimeProvider.System }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TaskCanceledException>(ex => ex.InnerException is TimeoutException)
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests),
                MaxRetryAttempts = Math.Max(0, _options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                Delay = _options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                UseJitter = true,
                OnRetry = args =>
                {
                    var what = args.Outcome.Exception?.GetType().Name ?? ((int)args.Outcome.Result!.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    LogRetry(logger, args.AttemptNumber + 1, what);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();
    }

    public string Name => SenderName;

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_options.Url is null || string.IsNullOrEmpty(_options.Secret))
        {
            throw new InvalidOperationException("Delivery:Webhook:Url and Delivery:Webhook:Secret must be set.");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new { to = message.To, text = message.Text });
        var signature = Sign(_options.Secret, body);
        using var response = await _pipeline.ExecuteAsync(async token =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
            request.Headers.Add(SignatureHeader, signature);
            request.Headers.Add(DeliveryHeader, message.DeliveryId.ToString("D"));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(_options.Timeout);
            try
            {
                return await _http.SendAsync(request, timeout.Token);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery failed ({What}); retry {Attempt}")]
    private static partial void LogRetry(ILogger logger, int attempt, string what);
}
