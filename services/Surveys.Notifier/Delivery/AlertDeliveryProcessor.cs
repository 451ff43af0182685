using Surveys.Hosting;
using Microsoft.Extensions.Options;
using Surveys.Notifier.Alerts;
using Surveys.Delivery;

namespace Surveys.Notifier.Delivery;

/// <summary>
/// One pass of alert delivery: tell the next contact level about alerts nobody acknowledged in time, write the
/// daily digest when it is due, then send every queued message that is due (claim, check the alert is still
/// waiting, send, mark sent; a failure is retried later from the table).
/// </summary>
public sealed partial class AlertDeliveryProcessor(
    AlertDeliveryStore store,
    Deliveries deliveries,
    MessageSenders senders,
    IOptions<AlertingOptions> options,
    IOptions<NotifierOptions> links,
    TimeProvider time,
    ILogger<AlertDeliveryProcessor> logger)
{
    /// <summary>A digest later than this (the service was down) is skipped; the next one counts everything since the last.</summary>
    public static readonly TimeSpan DigestGrace = TimeSpan.FromHours(12);

    /// <summary>Escalates, writes the digest and sends what is due; returns how many messages were sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var alertId in await store.DueEscalationsAsync(now, ct))
        {
            if (await store.EscalateAsync(alertId, now, ct) is { } level)
            {
                LogEscalated(logger, alertId, level);
            }
        }

        if (DueDigest(now, options.Value) is { } date && await store.QueueDigestAsync(date, now, ct))
        {
            LogDigest(logger, date);
        }

        var sent = 0;
        foreach (var id in await deliveries.DueAsync(now, 100, ct))
        {
            if (await SendOneAsync(id, ct))
            {
                sent++;
            }
        }

        return sent;
    }

    /// <summary>The local date whose digest time has passed within <see cref="DigestGrace"/>, if any.</summary>
    public static DateOnly? DueDigest(DateTimeOffset now, AlertingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var zone = options.Zone();
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        foreach (var date in new[] { today, today.AddDays(-1) })
        {
            var due = DueAt(date, options.DigestAt, zone);
            if (due <= now && now - due < DigestGrace)
            {
                return date;
            }
        }

        return null;
    }

    private static DateTimeOffset DueAt(DateOnly date, TimeOnly at, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(at);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30); // a daylight-saving jump skipped the time: the first valid moment after it
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private async Task<bool> SendOneAsync(Guid id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (await store.ClaimAsync(id, now, ct) is not { } delivery)
        {
            return false;
        }

        if (delivery.AlertId is not null)
        {
            // Checked at send time: acknowledging or resolving stops messages not yet sent.
            var reason = delivery.AlertStatus == "resolved" ? "resolved"
                : delivery.AcknowledgedAt is { } acknowledged && acknowledged >= delivery.CreatedAt ? "acknowledged"
                : null;
            if (reason is not null)
            {
                await deliveries.CancelAsync(id, reason, ct);
                return false;
            }
        }

        var settings = options.Value;
        var recipients = delivery.Kind == AlertDeliveryKinds.Digest ? settings.DigestRecipients : settings.EscalationContacts;
        var contact = recipients.FirstOrDefault(c => string.Equals(c.Name.Trim(), delivery.Contact, StringComparison.Ordinal));
        var sender = senders.Find(delivery.Channel switch
        {
            AlertChannels.Email => SenderNames.Smtp,
            AlertChannels.Webhook => SenderNames.Webhook,
            _ => SenderNames.Outbox, // only in Development: elsewhere the start-up check refuses a contact without a real channel
        });
        if (contact is null || !contact.Channels().Contains(delivery.Channel, StringComparer.Ordinal) || sender is null)
        {
            await deliveries.CancelAsync(id, "contact removed", ct);
            return false;
        }

        var message = AlertMessages.Build(delivery, links.Value, settings);
        var outgoing = new OutgoingMessage(id, delivery.Channel, delivery.Channel == AlertChannels.Email ? contact.Email! : contact.Name.Trim(), message.Subject, message.Text)
        {
            Endpoint = delivery.Channel == AlertChannels.Webhook ? contact.Webhook : null,
            Body = message.Json,
        };
        return await deliveries.SendAsync(delivery.Message, sender, outgoing, settings, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} not acknowledged in time: escalated to level {Level}")]
    private static partial void LogEscalated(ILogger logger, Guid alertId, int level);

    [LoggerMessage(Level = LogLevel.Information, Message = "Daily alert digest for {Date} queued")]
    private static partial void LogDigest(ILogger logger, DateOnly date);
}

/// <summary>The background loop around <see cref="AlertDeliveryProcessor"/>, on the injected clock.</summary>
public sealed class AlertDeliveryLoop(
    AlertDeliveryProcessor processor, AlertDeliverySignal signal, Heartbeats heartbeats, IOptions<AlertingOptions> options, TimeProvider time, ILogger<AlertDeliveryLoop> logger)
    : PollingLoop(signal, heartbeats, time, logger)
{
    protected override string Name => "alert delivery";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    private long _passes;

    /// <summary>Passes finished since start (tests wait on it rather than sleeping).</summary>
    public long Passes => Interlocked.Read(ref _passes);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await processor.RunOnceAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Increment(ref _passes);
        }
    }
}
