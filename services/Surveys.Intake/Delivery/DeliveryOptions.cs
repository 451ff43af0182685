using Surveys.Delivery;

namespace Surveys.Intake.Delivery;

/// <summary>Configuration section <c>Delivery</c>: how invitations reach patients.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>
    /// Sender per contact channel, e.g. <c>Delivery__Channels__email=smtp</c>, <c>Delivery__Channels__sms=webhook</c>.
    /// In Development a channel not listed goes to the development outbox (<c>outbox</c>), shown at /dev/outbox; anywhere
    /// else it has no sender (its messages are marked failed at once) and <c>outbox</c> is refused at start-up.
    /// </summary>
    public Dictionary<string, string> Channels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Attempts per message before it is marked failed (each later than the last, up to an hour apart).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How often the sender loop looks for due messages when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public SmtpTransportOptions Smtp { get; set; } = new();

    /// <summary>
    /// The SMS gateway (or any webhook): <c>Url</c>, <c>Secret</c> (signs each body; 16+ characters), and the same retry,
    /// time-limit and circuit-breaker keys as the notifier's <c>Alerting:Webhook</c> (one shape: <see cref="SignedWebhookOptions"/>).
    /// </summary>
    public SignedWebhookOptions Webhook { get; set; } = new();

    /// <summary>Where a channel that is not listed goes: the development outbox in Development, nowhere (null) elsewhere (<see cref="DeliveryChecks"/>).</summary>
    public string? UnlistedChannelSender { get; internal set; } = DevOutboxSender.SenderName;

    /// <summary>The sender for a contact channel; null when there is none (the message is marked failed).</summary>
    public string? SenderFor(string contactChannel) =>
        Channels.TryGetValue(contactChannel, out var sender) && !string.IsNullOrWhiteSpace(sender) ? sender.Trim().ToLowerInvariant() : UnlistedChannelSender;
}
