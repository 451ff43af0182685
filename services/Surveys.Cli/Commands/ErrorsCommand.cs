using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Surveys.Operations;

namespace Surveys.Cli.Commands;

/// <summary>
/// <c>surveys errors list|replay|purge &lt;queue&gt;</c>: failed messages in an error (or skipped) queue. Shows
/// ids, times and fault headers only: a message's body holds a patient's answers and is never printed. The work is
/// <see cref="FailedMessages"/>'s, which the portal's /pipeline/failed runs too.
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
        list.SetAction(async (parse, ct) => BrokerCommandLine.From(parse, Console.Error) is { } broker
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

            return BrokerCommandLine.From(parse, Console.Error) is { } broker
                ? await ReplayAsync(broker, parse.GetValue(replayQueue)!, parse.GetValue(id), ct)
                : 2;
        });

        var purgeQueue = new Argument<string>("queue") { Description = "The error queue to empty." };
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation (for scripts)." };
        var purge = new Command("purge", "Deletes every message in an error queue, after a confirmation.") { purgeQueue, yes };
        AddBrokerOptions(purge);
        purge.SetAction(async (parse, ct) => BrokerCommandLine.From(parse, Console.Error) is { } broker
            ? await PurgeAsync(broker, parse.GetValue(purgeQueue)!, parse.GetValue(yes), ct)
            : 2);

        return new Command("errors", "Failed messages: list, replay, purge (RabbitMQ credentials from RabbitMq__Username and RabbitMq__Password, as the services read them).") { list, replay, purge };
    }

    private static void AddBrokerOptions(Command command)
    {
        foreach (var option in BrokerCommandLine.Options)
        {
            command.Options.Add(option);
        }
    }

    private static async Task<int> ListAsync(BrokerSettings broker, string queue, int limit, bool json, CancellationToken ct)
    {
        using var management = broker.ManagementClient();
        if (await new FailedMessages(broker, management).ListAsync(queue, limit, ct) is not { } failed)
        {
            await Console.Error.WriteLineAsync($"No queue '{queue}' in virtual host '{broker.VirtualHost}'.");
            return 1;
        }

        var (total, rows) = (failed.Total, failed.Messages);
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

    private static async Task<int> ReplayAsync(BrokerSettings broker, string queue, string? onlyId, CancellationToken ct)
    {
        using var management = broker.ManagementClient();
        var result = await new FailedMessages(broker, management).ReplayAsync(queue, onlyId, ConsoleAudit.RecordAsync, "surveys errors replay", ct);
        foreach (var (messageId, failedOn) in result.LeftInPlace)
        {
            await Console.Error.WriteLineAsync($"{messageId}: failed on '{failedOn}', not '{result.Target}'; left in place.");
        }

        foreach (var messageId in result.Replayed)
        {
            await Console.Out.WriteLineAsync($"replayed {messageId} -> {result.Target}");
        }

        switch (result.Outcome)
        {
            case ReplayOutcome.NotAFailureQueue:
                await Console.Error.WriteLineAsync($"'{queue}' is not an error or skipped queue (they end in _error or _skipped).");
                return 2;
            case ReplayOutcome.NoSuchQueue:
                await Console.Error.WriteLineAsync($"No queue '{queue}' in virtual host '{broker.VirtualHost}'.");
                return 1;
            case ReplayOutcome.NotAudited:
                return 1; // ConsoleAudit said why
            case ReplayOutcome.SourceGone:
                await Console.Error.WriteLineAsync($"Refusing: the queue these messages failed on, '{result.Target}', is gone. Nothing was moved.");
                return 1;
            case ReplayOutcome.BrokerRefused:
                await Console.Error.WriteLineAsync($"{result.Stopped!.Value.MessageId}: the broker did not take it back onto '{result.Target}' ({result.Stopped.Value.Reason}); it stays in '{queue}'. Replayed {result.Replayed.Count} before it.");
                return 1;
        }

        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{result.Replayed.Count} message(s) replayed from {queue} to {result.Target}{(result.LeftInPlace.Count > 0 ? $"; {result.LeftInPlace.Count} left (another queue)" : string.Empty)}."));
        if (result.Outcome == ReplayOutcome.NoSuchMessage)
        {
            await Console.Error.WriteLineAsync($"No message with id {onlyId} in '{queue}'.");
            return 1;
        }

        return 0;
    }

    private static async Task<int> PurgeAsync(BrokerSettings broker, string queue, bool yes, CancellationToken ct)
    {
        using var management = broker.ManagementClient();
        var result = await new FailedMessages(broker, management).PurgeAsync(queue, ConsoleAudit.RecordAsync, yes ? null : ConfirmAsync, ct);
        switch (result.Outcome)
        {
            case PurgeOutcome.NotAFailureQueue:
                await Console.Error.WriteLineAsync($"'{queue}' is not an error or skipped queue; purge only empties those.");
                return 2;
            case PurgeOutcome.NoSuchQueue:
                await Console.Error.WriteLineAsync($"No queue '{queue}' in virtual host '{broker.VirtualHost}'.");
                return 1;
            case PurgeOutcome.NotConfirmed:
                await Console.Error.WriteLineAsync("Not confirmed; nothing was deleted.");
                return 1;
            case PurgeOutcome.NotAudited:
                return 1; // ConsoleAudit said why
        }

        await Console.Out.WriteLineAsync($"Purged {queue}.");
        return 0;

        async Task<bool> ConfirmAsync(long count, CancellationToken token)
        {
            await Console.Out.WriteAsync($"Delete every failed message in {queue} (about {count}) for good? Type the queue's name to confirm: ");
            var answer = (await Console.In.ReadLineAsync(token))?.Trim();
            return string.Equals(answer, queue, StringComparison.Ordinal);
        }
    }
}
