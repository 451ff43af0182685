namespace Surveys.Delivery;

/// <summary>
/// The one retry policy of the durable queues (a message whose send failed waits in its table): the next attempt
/// 30 s after the first failure, doubling each time up to <c>max</c>; the message is given up (<c>failed_at</c>) after
/// the last allowed attempt. Within one attempt, a webhook retries a few times more with Polly (<see cref="SignedWebhook"/>)
/// and every send has a time limit (SMTP: <see cref="SmtpTransportOptions.Timeout"/>, webhook: <see cref="SignedWebhookOptions.Timeout"/>).
/// </summary>
public static class DeliveryRetry
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait after failed attempt number <paramref name="attempts"/> (1-based).</summary>
    public static TimeSpan Delay(int attempts, TimeSpan max) =>
        TimeSpan.FromSeconds(Math.Min(max.TotalSeconds, First.TotalSeconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 10))));

    /// <summary>True when attempt number <paramref name="attempts"/> was the last one allowed.</summary>
    public static bool GiveUp(int attempts, int maxAttempts) => attempts >= Math.Max(1, maxAttempts);
}
