using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Surveys.Cli.Commands;

/// <summary>
/// <c>surveys errors list|replay|purge &lt;queue&gt;</c>: failed messages in an error (or skipped) queue. Shows
/// ids, times and fault headers only: a message's body holds a patient's answers and is never printed.
/// </summary>
public static class ErrorsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var listQueue = new Argument<string>("queue") { Description = "An error queue, such as scoring-score-submission_error." };
        var limit = new Option<int>("--limit") { Description = "At most this many messages (default 100).", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "JSON for scripts." };
        var list = new Command("list", "Each failed message's id, time, fault type and fault message (never its body).") { listQueue, limit, json };
        AddBrokerOptions(list);
        list.SetAction(async (parse, ct) => BrokerSettings.From(parse, Console.Error) is { } broker
            ? await ListAsync(broker, parse.GetValue(listQueue)!, parse.GetValue(limit), parse.GetValue(json), ct)
            : 2);

        var replayQueue = new Argument<string>("queue") { Description = "The error queue to replay from." };
        var id = new Option<string?>("--id") { Description = "Replay only the message with this message id." };
        var all = new Option<bool>("--all") { Description = "Replay every message in the queue." };
        var replay = new Command("replay", "Moves failed messages back to the queue they failed on, without their fault headers, each once.") { replayQueue, id, all };
        AddBrokerOptions(replay);
        replay.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(id) is null == !parse.GetValue(all))
            {
                await Console.Error.WriteLineAsync("Say which messages: --id ID for one, or --all.");
                return 2;
            }

            return BrokerSettings.From(parse, Console.Error) is { } broker
                ? await ReplayAsync(broker, parse.GetValue(replayQueue)!, parse.GetValue(id), ct)
                : 2;
        });

        var purgeQueue = new Argument<string>("queue") { Description = "The error queue to empty." };
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation (for scripts)." };
        var purge = new Command("purge", "Deletes every message in an error queue, after a confirmation.") { purgeQueue, yes };
        AddBrokerOptions(purge);
        purge.SetAction(async (parse, ct) => BrokerSettings.From(parse, Console.Error) is { } broker
            ? await PurgeAsync(broker, parse.GetValue(purgeQueue)!, parse.GetValue(yes), ct)
            : 2);

        return new Command("errors", "Failed messages: list, replay, purge (RabbitMQ credentials from SURVEYS_RABBITMQ_USER and SURVEYS_RABBITMQ_PASSWORD).") { list, replay, purge };
    }

    private static void AddBrokerOptions(Command command)
    {
        foreach (var option in BrokerSettings.Options)
        {
            command.Options.Add(option);
        }
    }

    private static bool IsFailureQueue(string queue) =>
        queue.EndsWith("_error", StringComparison.Ordinal) || queue.EndsWith("_skipped", StringComparison.Ordinal);

    /// <summary>The queue a failed message came from, by the error queue's name ("x_error" holds x's failures).</summary>
    private static string SourceQueue(string queue) =>
        queue[..queue.LastIndexOf('_')];

    private static async Task<int> ListAsync(BrokerSettings broker, string queue, int limit, bool json, CancellationToken ct)
    {
        using var management = broker.ManagementClient();
        var details = await broker.QueueAsync(management, queue, ct);
        if (details is null)
        {
            await Console.Error.WriteLineAsync($"No queue '{queue}' in virtual host '{broker.VirtualHost}'.");
            return 1;
        }

        // The management API's counts are statistics refreshed every few seconds; the messages read are not.
        var messages = await broker.PeekAsync(management, queue, Math.Max(1, limit), ct);
        var rows = messages.Select(m => Describe(m!["properties"]?.AsObject())).ToList();
        var total = Math.Max(details["messages"]?.GetValue<long>() ?? 0, rows.Count);
        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new { queue, total, messages = rows }, Json));
            return 0;
        }

        await Console.Out.WriteLineAsync($"{queue}: {total} message(s){(rows.Count < total ? $", showing {rows.Count}" : string.Empty)}");
        foreach (var row in rows)
        {
            await Console.Out.WriteLineAsync($"{row.MessageId,-38} {row.Time,-28} {row.FaultType}");
            await Console.Out.WriteLineAsync($"    {row.FaultMessage}");
        }

        return 0;
    }

    public sealed record FailedMessage(string MessageId, string Time, string FaultType, string FaultMessage, string? MessageType);

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

    private static async Task<int> ReplayAsync(BrokerSettings broker, string queue, string? onlyId, CancellationToken ct)
    {
        if (!IsFailureQueue(queue))
        {
            await Console.Error.WriteLineAsync($"'{queue}' is not an error or skipped queue (they end in _error or _skipped).");
            return 2;
        }

        var target = SourceQueue(queue);
        using var management = broker.ManagementClient();
        var source = await broker.QueueAsync(management, queue, ct);
        if (source is null)
        {
            await Console.Error.WriteLineAsync($"No queue '{queue}' in virtual host '{broker.VirtualHost}'.");
            return 1;
        }

        if (!await ConsoleAudit.RecordAsync("errors_replay", $"{broker.VirtualHost}/{queue}{(onlyId is null ? string.Empty : $" id {onlyId}")}", "started", ct))
        {
            return 1;
        }

        if (await broker.QueueAsync(management, target, ct) is null)
        {
            await Console.Error.WriteLineAsync($"Refusing: the queue these messages failed on, '{target}', is gone. Nothing was moved.");
            return 1;
        }

        var factory = broker.ConnectionFactory("surveys errors replay");

        var replayed = 0;
        var skippedOtherQueue = 0;
        await using var connection = await factory.CreateConnectionAsync(ct);
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
                skippedOtherQueue++;
                await Console.Error.WriteLineAsync($"{messageId}: failed on '{failedOn}', not '{target}'; left in place.");
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
                await Console.Error.WriteLineAsync($"{messageId}: the broker did not take it back onto '{target}' ({ex.GetType().Name}); it stays in '{queue}'. Replayed {replayed} before it.");
                return 1;
            }

            // Only now that the broker confirmed the copy on the original queue is the failed one removed.
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
            replayed++;
            await Console.Out.WriteLineAsync($"replayed {messageId} -> {target}");
            if (onlyId is not null)
            {
                break;
            }
        }

        await channel.CloseAsync(ct);
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{replayed} message(s) replayed from {queue} to {target}{(skippedOtherQueue > 0 ? $"; {skippedOtherQueue} left (another queue)" : string.Empty)}."));
        await ConsoleAudit.RecordAsync("errors_replay", $"{broker.VirtualHost}/{queue}", string.Create(CultureInfo.InvariantCulture, $"replayed {replayed}"), ct);
        if (onlyId is not null && replayed == 0)
        {
            await Console.Error.WriteLineAsync($"No message with id {onlyId} in '{queue}'.");
            return 1;
        }

        return 0;
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

    private static async Task<int> PurgeAsync(BrokerSettings broker, string queue, bool yes, CancellationToken ct)
    {
        if (!IsFailureQueue(queue))
        {
            await Console.Error.WriteLineAsync($"'{queue}' is not an error or skipped queue; purge only empties those.");
            return 2;
        }

        using var management = broker.ManagementClient();
        var details = await broker.QueueAsync(management, queue, ct);
        if (details is null)
        {
            await Console.Error.WriteLineAsync($"No queue '{queue}' in virtual host '{broker.VirtualHost}'.");
            return 1;
        }

        var count = details["messages"]?.GetValue<long>() ?? 0; // statistics: may lag a few seconds
        if (!yes)
        {
            await Console.Out.WriteAsync($"Delete every failed message in {queue} (about {count}) for good? Type the queue's name to confirm: ");
            var answer = (await Console.In.ReadLineAsync(ct))?.Trim();
            if (!string.Equals(answer, queue, StringComparison.Ordinal))
            {
                await Console.Error.WriteLineAsync("Not confirmed; nothing was deleted.");
                return 1;
            }
        }

        if (!await ConsoleAudit.RecordAsync("errors_purge", $"{broker.VirtualHost}/{queue}", string.Create(CultureInfo.InvariantCulture, $"about {count}"), ct))
        {
            return 1;
        }

        await broker.PurgeAsync(management, queue, ct);
        await Console.Out.WriteLineAsync($"Purged {queue}.");
        return 0;
    }
}
