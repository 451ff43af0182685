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
/// Sends due messages from the <c>deliveries</c> table: claim (a lease, so two instances do not both send),
/// build the text from the protected token of an open questionnaire of the message's visit (one message tells about
/// all the questionnaires due together), send through the configured <see cref="IMessageSender"/>, mark
/// sent. A failure is retried later with growing delays; a message none of whose questionnaires is open any more is cancelled.
/// </summary>
public sealed partial class DeliveryProcessor(
    DeliveryStore store,
    LinkProtector protector,
    IEnumerable<IMessageSender> senders,
    IOptions<DeliveryOptions> deliveryOptions,
    IOptions<IntakeOptions> intakeOptions,
    IOptions<ClinicOptions> clinicOptions,
    TimeProvider time,
    ILogger<DeliveryProcessor> logger)
{
    private readonly Dictionary<string, IMessageSender> _senders = senders.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>Sends every message due now; returns how many were sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var sent = 0;
        foreach (var id in await store.DueAsync(time.GetUtcNow(), 100, ct))
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
        var delivery = await store.ClaimAsync(id, now, ct);
        if (delivery is null)
        {
            return false;
        }

        var token = protector.TryUnprotect(delivery.ProtectedToken);
        if (token is null || delivery.Address is null)
        {
            // Cancelled only when none of the visit's questionnaires is open any more (answered, expired or replaced).
            var reason = delivery.Address is null ? "contact removed" : "link closed";
            await store.CancelAsync(id, reason, now, ct);
            LogCancelled(logger, id, reason);
            return false;
        }

        var senderName = deliveryOptions.Value.SenderFor(delivery.ContactChannel);
        if (senderName is null)
        {
            // Outside Development an unconfigured channel goes nowhere: fail at once, where operators see it, rather than pretend.
            await store.RetryLaterAsync(id, "NoSenderForChannel", now, giveUp: true, now, ct);
            LogNoSender(logger, id, delivery.ContactChannel);
            return false;
        }

        try
        {
            if (!_senders.TryGetValue(senderName, out var sender))
            {
                throw new InvalidOperationException($"No sender named '{senderName}' (Delivery:Channels:{delivery.ContactChannel}).");
            }

            var link = new Uri(intakeOptions.Value.PublicBaseUrl, $"s/{token}");
            var (subject, text) = MessageText.Build(delivery.Kind, delivery.Language, clinicOptions.Value.ClinicName, link, Math.Max(1, delivery.OpenCount));
            await sender.SendAsync(new OutgoingMessage(id, delivery.ContactChannel, delivery.Address, subject, text), ct);
            await store.MarkSentAsync(id, sender.Name, time.GetUtcNow(), ct);
            LogSent(logger, id, delivery.Kind, sender.Name);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Only the exception's type is kept or logged: messages can hold an address.
            var giveUp = DeliveryRetry.GiveUp(delivery.Attempts, deliveryOptions.Value.MaxAttempts);
            var delay = DeliveryRetry.Delay(delivery.Attempts, TimeSpan.FromHours(1));
            await store.RetryLaterAsync(id, ex.GetType().Name, time.GetUtcNow() + delay, giveUp, time.GetUtcNow(), ct);
            LogFailed(logger, id, senderName, delivery.Attempts, ex.GetType().Name, giveUp);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Kind}) sent via {Sender}")]
    private static partial void LogSent(ILogger logger, Guid deliveryId, string kind, string sender);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} failed: no sender is configured for its channel (Delivery:Channels:{ContactChannel})")]
    private static partial void LogNoSender(ILogger logger, Guid deliveryId, string contactChannel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} cancelled: {Reason}")]
    private static partial void LogCancelled(ILogger logger, Guid deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} via {Sender} failed on attempt {Attempt} ({ExceptionType}); gave up: {GaveUp}")]
    private static partial void LogFailed(ILogger logger, Guid deliveryId, string sender, int attempt, string exceptionType, bool gaveUp);
}

/// <summary>The background loop around <see cref="DeliveryProcessor"/>.</summary>
public sealed class DeliveryLoop(
    IServiceScopeFactory scopes, DeliverySignal signal, Heartbeats heartbeats, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<DeliveryLoop> logger)
    : PollingLoop(signal, heartbeats, time, logger)
{
    protected override string Name => "invitation delivery";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<DeliveryProcessor>().RunOnceAsync(cancellationToken);
    }
}
