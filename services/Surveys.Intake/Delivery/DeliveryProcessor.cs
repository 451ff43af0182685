using Microsoft.Extensions.Options;
using Surveys.Delivery;
using Surveys.Hosting;
using Surveys.Intake.Invitations;

namespace Surveys.Intake.Delivery;

/// <summary>The clinic's name in messages (configuration <c>Intake:ClinicName</c>).</summary>
public sealed class ClinicOptions
{
    public string ClinicName { get; set; } = "Your clinic";
}

/// <summary>Wakes the sender loop when something was queued (it also polls).</summary>
public sealed class DeliverySignal : WakeSignal;

/// <summary>
/// Sends due invitation messages from the shared queue (<see cref="Deliveries"/>): claim (a lease, so two instances do
/// not both send), build the text from the protected token of an open questionnaire of the message's visit (one message
/// tells about all the questionnaires due together), send through the sender configured for the channel. The queue
/// marks it sent or retries it later; a message none of whose questionnaires is open any more is cancelled.
/// </summary>
public sealed partial class DeliveryProcessor(
    Deliveries deliveries,
    DeliveryStore store,
    LinkProtector protector,
    MessageSenders senders,
    IOptions<InvitationDeliveryOptions> deliveryOptions,
    IOptions<IntakeOptions> intakeOptions,
    IOptions<ClinicOptions> clinicOptions,
    TimeProvider time,
    ILogger<DeliveryProcessor> logger)
{
    /// <summary>Sends every message due now; returns how many were sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var sent = 0;
        foreach (var id in await deliveries.DueAsync(time.GetUtcNow(), 100, ct))
        {
            if (await SendOneAsync(id, ct))
            {
                sent++;
            }
        }

        return sent;
    }

    private async Task<bool> SendOneAsync(Guid id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (await store.ClaimAsync(id, now, ct) is not { } delivery)
        {
            return false;
        }

        var message = delivery.Message;
        var token = protector.TryUnprotect(delivery.ProtectedToken);
        if (token is null || delivery.Address is null)
        {
            // Cancelled only when none of the visit's questionnaires is open any more (answered, expired or replaced).
            await deliveries.CancelAsync(id, delivery.Address is null ? "contact removed" : "link closed", ct);
            return false;
        }

        var settings = deliveryOptions.Value;
        if (senders.Find(settings.SenderFor(message.Channel)) is not { } sender)
        {
            // Outside Development an unconfigured channel goes nowhere: fail at once, where operators see it, rather than pretend.
            await deliveries.RetryLaterAsync(id, "NoSenderForChannel", now, giveUp: true, now, ct);
            LogNoSender(logger, id, message.Channel);
            return false;
        }

        var link = new Uri(intakeOptions.Value.PublicBaseUrl, $"s/{token}");
        var (subject, text) = MessageText.Build(message.Kind, delivery.Language, clinicOptions.Value.ClinicName, link, Math.Max(1, delivery.OpenCount));
        return await deliveries.SendAsync(message, sender, new OutgoingMessage(id, message.Channel, delivery.Address, subject, text), settings, ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} failed: no sender is configured for its channel (Delivery:Channels:{ContactChannel})")]
    private static partial void LogNoSender(ILogger logger, Guid deliveryId, string contactChannel);
}

/// <summary>The background loop around <see cref="DeliveryProcessor"/>.</summary>
public sealed class DeliveryLoop(
    DeliveryProcessor processor, DeliverySignal signal, Heartbeats heartbeats, IOptions<InvitationDeliveryOptions> options, TimeProvider time, ILogger<DeliveryLoop> logger)
    : PollingLoop(signal, heartbeats, time, logger)
{
    protected override string Name => "invitation delivery";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => processor.RunOnceAsync(cancellationToken);
}
