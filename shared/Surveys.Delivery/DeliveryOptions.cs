namespace Surveys.Delivery;

/// <summary>
/// The one shape of a service's delivery settings: intake's section <c>Delivery</c> and the notifier's <c>Alerting</c>
/// both have these keys (and add their own: which sender each patient channel uses; who the alert contacts are).
/// </summary>
public class DeliveryOptions
{
    /// <summary>E-mail over SMTP (MailKit): <c>Smtp:Host</c>, <c>Port</c>, <c>From</c>, credentials, time limit.</summary>
    public SmtpTransportOptions Smtp { get; set; } = new();

    /// <summary>
    /// Webhooks (an SMS gateway, a pager): <c>Url</c> (the default endpoint; a notifier contact brings its own), <c>Secret</c>
    /// (signs each body; 16+ characters), and the retry, time-limit and circuit-breaker keys of <see cref="SignedWebhookOptions"/>.
    /// </summary>
    public SignedWebhookOptions Webhook { get; set; } = new();

    /// <summary>Attempts per message before it is marked failed (each later than the last: <see cref="DeliveryRetry"/>).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The longest wait between two attempts at one message.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the sender loop looks for due messages when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
