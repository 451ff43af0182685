using Surveys.Delivery;

namespace Surveys.Intake.Delivery;

/// <summary>
/// Configuration section <c>Delivery</c>: how invitations reach patients. The shared keys (<c>Smtp</c>, <c>Webhook</c>,
/// <c>MaxAttempts</c>, <c>MaxRetryDelay</c>, <c>PollInterval</c>) are the one <see cref="DeliveryOptions"/> shape, as in the
/// notifier's <c>Alerting</c>; intake adds which sender each contact channel uses.
/// </summary>
public sealed class InvitationDeliveryOptions : DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>
    /// Sender per contact channel, e.g. <c>Delivery__Channels__email=smtp</c>, <c>Delivery__Channels__sms=webhook</c> (the
    /// SMS gateway at <c>Delivery__Webhook__Url</c>). In Development a channel not listed goes to the development outbox
    /// (<c>outbox</c>); anywhere else it has no sender (its messages are marked failed at once) and <c>outbox</c> is refused at start-up.
    /// </summary>
    public Dictionary<string, string> Channels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Where a channel that is not listed goes: the development outbox in Development, nowhere (null) elsewhere (<see cref="DeliveryChecks"/>).</summary>
    public string? UnlistedChannelSender { get; internal set; } = SenderNames.Outbox;

    /// <summary>The sender for a contact channel; null when there is none (the message is marked failed).</summary>
    public string? SenderFor(string contactChannel) =>
        Channels.TryGetValue(contactChannel, out var sender) && !string.IsNullOrWhiteSpace(sender) ? sender.Trim().ToLowerInvariant() : UnlistedChannelSender;
}
