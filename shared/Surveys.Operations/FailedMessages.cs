using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Surveys.Operations;

/// <summary>
/// Records an operator's replay or purge in the audit trail before (and after) it happens, under the operator's own
/// name; false when it could not be recorded, and then nothing is done.
/// </summary>
public delegate Task<bool> AuditOperatorAction(string action, string target, string outcome, CancellationToken ct);

/// <summary>One failed message as the operator sees it: ids, time and fault headers, never its body (a patient's answers).</summary>
public sealed record FailedMessage(string MessageId, string Time, string FaultType, string FaultMessage, string? MessageType)
{
    /// <summary>When it failed, when the fault headers say so.</summary>
    [JsonIgnore]
    public DateTimeOffset? FailedAt =>
        DateTimeOffset.TryParse(Time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

/// <summary>An error or skipped queue and the messages read from it (at most the limit asked for).</summary>
public sealed record FailedMessageList(string Name, long Total, IReadOnlyList<FailedMessage> Messages)
{
    /// <summary>The queue these messages failed on, and go back to when replayed.</summary>
    public string SourceQueue => FailedMessages.SourceQueue(Name);
}

public enum ReplayOutcome
{
    /// <summary>Done: <see cref="ReplayResult.Replayed"/> went back (possibly none).</summary>
    Replayed,
    NotAFailureQueue,
    NoSuchQueue,
    /// <summary>The audit trail could not record it, so nothing was moved.</summary>
    NotAudited,
    /// <summary>The queue the messages failed on no longer exists; nothing was moved.</summary>
    SourceGone,
    /// <summary>The broker did not take a message back; it stays where it was (<see cref="ReplayResult.Stopped"/>).</summary>
    BrokerRefused,
    /// <summary>One message was asked for by id and it is not there.</summary>
    NoSuchMessage,
}

/// <summary>What a replay did: the ids moved back, those left because they failed on another queue, and where it stopped.</summary>
public sealed record ReplayResult(
    ReplayOutcome Outcome, string Queue, string Target, IReadOnlyList<string> Replayed, IReadOnlyList<(string MessageId, string FailedOn)> LeftInPlace)
{
    /// <summary>The message the broker did not take back and why, when <see cref="Outcome"/> is <see cref="ReplayOutcome.BrokerRefused"/>.</summary>
    public (string MessageId, string Reason)? Stopped { get; init; }
}

public enum PurgeOutcome
{
    Purged,
    NotAFailureQueue,
    NoSuchQueue,
    NotConfirmed,
    NotAudited,
}

/// <param name="About">How many messages the queue held by the broker's statistics, which may lag a few seconds.</param>
public sealed record PurgeResult(PurgeOutcome Outcome, long About);

/// <summary>
/// Failed messages in the error (<c>x_error</c>) and skipped (<c>x_skipped</c>) queues: list them, replay them to the
/// queue they failed on, purge them. One implementation for <c>surveys errors</c> and the portal's
/// <c>/pipeline/failed</c>; replays and purges are audited first and refused when they cannot be.
/// </summary>
/// <param name="management">A client of the broker's management API (<see cref="BrokerSettings.ConfigureManagement"/>).</param>
public sealed class FailedMessages(BrokerSettings broker, HttpClient management)
{
    /// <summary>The audit trail's actions for a replay and a purge.</summary>
    public const string ReplayAction = "errors_replay";

    public const string PurgeAction = "errors_purge";

    public static bool IsFailureQueue(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.EndsWith("_error", StringComparison.Ordinal) || queue.EndsWith("_skipped", StringComparison.Ordinal);
    }

    /// <summary>The queue a failed message came from, by the error queue's name ("x_error" holds x's failures).</summary>
    public static string SourceQueue(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue[..queue.LastIndexOf('_')];
    }

    /// <summary>Up to <paramref name="limit"/> messages of one queue (left in place), or null when there is no such queue.</summary>
    public async Task<FailedMessageList?> ListAsync(string queue, int limit, CancellationToken ct) =>
        await broker.QueueAsync(management, queue, ct) is { } details ? await ReadAsync(queue, details, limit, ct) : null;

    /// <summary>Every error and skipped queue of the virtual host, by name, each with up to <paramref name="limitEach"/> messages.</summary>
    public async Task<IReadOnlyList<FailedMessageList>> ListAllAsync(int limitEach, CancellationToken ct)
    {
        var queues = (await broker.QueuesAsync(management, ct)).Select(q => q!.AsObject())
            .Where(q => IsFailureQueue(q["name"]!.GetValue<string>()))
            .OrderBy(q => q["name"]!.GetValue<string>(), StringComparer.Ordinal);
        var read = new List<FailedMessageList>();
        foreach (var details in queues)
        {
            read.Add(await ReadAsync(details["name"]!.GetValue<string>(), details, limitEach, ct));
        }

        return read;
    }

    private async Task<FailedMessageList> ReadAsync(string queue, JsonObject details, int limit, CancellationToken ct)
    {
        // The management API's counts are statistics refreshed every few seconds; the messages read are not.
        var messages = await broker.PeekAsync(management, queue, Math.Max(1, limit), ct);
        var rows = messages.Select(m => Describe(m!["properties"]?.AsObject())).ToList();
        return new FailedMessageList(queue, Math.Max(details["messages"]?.GetValue<long>() ?? 0, rows.Count), rows);
    }

    private static FailedMessage Describe(JsonObject? properties)
    {
        var headers = properties?["headers"] as JsonObject;
        string? Header(string name) => headers?[name] is JsonValue value ? value.ToString() : null;
        var messageType = Header("MT-Fault-MessageType") ?? Header("MT-Message-Type");
        return new FailedMessage(
            properties?["message_id"]?.ToString() ?? "(no id)",
            Header("MT-Fault-Timestamp") ?? "(no time)",
            Header("MT-Fault-ExceptionType") ?? (headers?["x-death"] is not null ? "dead-lettered (delivery limit)" : "(no fault headers)"),
            Header("MT-Fault-Message") ?? string.Empty,
            messageType);
    }

    /// <summary>
    /// Moves failed messages back to the queue they failed on, without their fault headers, each once: every message
    /// there now, or only the one with <paramref name="onlyId"/>. Audited before anything moves, and again with the count.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(string queue, string? onlyId, AuditOperatorAction audit, string clientName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(audit);
        if (!IsFailureQueue(queue))
        {
            return new ReplayResult(ReplayOutcome.NotAFailureQueue, queue, string.Empty, [], []);
        }

        var target = SourceQueue(queue);
        ReplayResult Result(ReplayOutcome outcome, List<string>? replayed = null, List<(string, string)>? left = null) =>
            new(outcome, queue, target, replayed ?? [], left ?? []);
        if (await broker.QueueAsync(management, queue, ct) is null)
        {
            return Result(ReplayOutcome.NoSuchQueue);
        }

        if (!await audit(ReplayAction, $"{broker.VirtualHost}/{queue}{(onlyId is null ? string.Empty : $" id {onlyId}")}", "started", ct))
        {
            return Result(ReplayOutcome.NotAudited);
        }

        if (await broker.QueueAsync(management, target, ct) is null)
        {
            return Result(ReplayOutcome.SourceGone);
        }

        var replayed = new List<string>();
        var left = new List<(string, string)>();
        await using var connection = await broker.ConnectionFactory(clientName).CreateConnectionAsync(ct);
        // Publisher confirms: each publish returns only once the broker has the message (or throws), and mandatory
        // makes an unroutable publish (the queue deleted meanwhile) fail instead of vanishing.
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);

        // Only the messages there now: ones held back (another id, another source queue) stay unacknowledged until
        // the channel closes, so basic.get never returns them twice; closing puts them back.
        var budget = (long)await channel.MessageCountAsync(queue, ct);
        for (var i = 0L; i < budget; i++)
        {
            var message = await channel.BasicGetAsync(queue, autoAck: false, ct);
            if (message is null)
            {
                break;
            }

            var messageId = message.BasicProperties.MessageId ?? "(no id)";
            if (onlyId is not null && !string.Equals(messageId, onlyId, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var failedOn = FailedOn(message.BasicProperties.Headers);
            if (failedOn is not null && !string.Equals(failedOn, target, StringComparison.Ordinal))
            {
                left.Add((messageId, failedOn));
                continue;
            }

            var properties = new BasicProperties(message.BasicProperties)
            {
                Headers = WithoutFaultHeaders(message.BasicProperties.Headers),
            };
            try
            {
                await channel.BasicPublishAsync(string.Empty, target, mandatory: true, properties, message.Body, ct);
            }
            catch (Exception ex) when (ex is PublishException or AlreadyClosedException)
            {
                await audit(ReplayAction, $"{broker.VirtualHost}/{queue}", string.Create(CultureInfo.InvariantCulture, $"replayed {replayed.Count}"), ct);
                return Result(ReplayOutcome.BrokerRefused, replayed, left) with { Stopped = (messageId, ex.GetType().Name) };
            }

            // Only now that the broker confirmed the copy on the original queue is the failed one removed.
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
            replayed.Add(messageId);
            if (onlyId is not null)
            {
                break;
            }
        }

        await channel.CloseAsync(ct);
        await audit(ReplayAction, $"{broker.VirtualHost}/{queue}", string.Create(CultureInfo.InvariantCulture, $"replayed {replayed.Count}"), ct);
        return Result(onlyId is not null && replayed.Count == 0 ? ReplayOutcome.NoSuchMessage : ReplayOutcome.Replayed, replayed, left);
    }

    /// <summary>
    /// Deletes every message in an error or skipped queue: after <paramref name="confirm"/> (given the approximate count;
    /// null when the caller already asked), and after the audit trail has it.
    /// </summary>
    public async Task<PurgeResult> PurgeAsync(string queue, AuditOperatorAction audit, Func<long, CancellationToken, Task<bool>>? confirm, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(audit);
        if (!IsFailureQueue(queue))
        {
            return new PurgeResult(PurgeOutcome.NotAFailureQueue, 0);
        }

        if (await broker.QueueAsync(management, queue, ct) is not { } details)
        {
            return new PurgeResult(PurgeOutcome.NoSuchQueue, 0);
        }

        var count = details["messages"]?.GetValue<long>() ?? 0; // statistics: may lag a few seconds
        if (confirm is not null && !await confirm(count, ct))
        {
            return new PurgeResult(PurgeOutcome.NotConfirmed, count);
        }

        if (!await audit(PurgeAction, $"{broker.VirtualHost}/{queue}", string.Create(CultureInfo.InvariantCulture, $"about {count}"), ct))
        {
            return new PurgeResult(PurgeOutcome.NotAudited, count);
        }

        await broker.PurgeAsync(management, queue, ct);
        return new PurgeResult(PurgeOutcome.Purged, count);
    }

    /// <summary>The queue a message failed on, from MassTransit's MT-Fault-InputAddress or RabbitMQ's x-first-death-queue.</summary>
    private static string? FailedOn(IDictionary<string, object?>? headers)
    {
        if (headers is null)
        {
            return null;
        }

        if (Text(headers.TryGetValue("MT-Fault-InputAddress", out var input) ? input : null) is { } address && Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            return uri.Segments[^1].Trim('/');
        }

        return Text(headers.TryGetValue("x-first-death-queue", out var deadLettered) ? deadLettered : null);
    }

    private static string? Text(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        _ => null,
    };

    private static Dictionary<string, object?> WithoutFaultHeaders(IDictionary<string, object?>? headers) =>
        (headers ?? new Dictionary<string, object?>())
            .Where(h => !h.Key.StartsWith("MT-Fault-", StringComparison.OrdinalIgnoreCase)
                && !h.Key.StartsWith("MT-Host-", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(h.Key, "MT-Reason", StringComparison.OrdinalIgnoreCase)
                && !h.Key.StartsWith("x-death", StringComparison.OrdinalIgnoreCase)
                && !h.Key.StartsWith("x-first-death-", StringComparison.OrdinalIgnoreCase)
                && !h.Key.StartsWith("x-last-death-", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(h.Key, "x-delivery-count", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
}
