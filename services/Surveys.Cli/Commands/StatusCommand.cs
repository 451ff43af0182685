using System.CommandLine;
using System.Globalization;
using Surveys.Operations;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Surveys.Cli.Commands;

/// <summary>
/// <c>surveys status</c>: every service's readiness and outbox backlog, each queue's depth, consumers and rates,
/// the error and skipped queues' counts; what needs a person is marked (red on a terminal). Exit code 0 when
/// nothing does, 1 otherwise.
/// </summary>
public static class StatusCommand
{
    /// <summary>An outbox row older than this needs a person (the broker or the relay is stuck).</summary>

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };


    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "JSON for scripts." };
        var command = new Command("status", "Readiness of every service, queues, failures and outbox backlogs at a glance (exit 1 when something needs a person).") { json };
        foreach (var option in BrokerSettings.Options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) => BrokerSettings.From(parse, Console.Error) is { } broker
            ? await RunAsync(broker, parse.GetValue(json), ct)
            : 2);
        return command;
    }

    private static (string Name, string Url)[] Services() =>
    [
        ("intake", BrokerSettings.Env("SURVEYS_INTAKE_URL") ?? "http://127.0.0.1:5101"),
        ("scoring", BrokerSettings.Env("SURVEYS_SCORING_URL") ?? "http://127.0.0.1:5102"),
        ("notifier", BrokerSettings.Env("SURVEYS_NOTIFIER_URL") ?? "http://127.0.0.1:5103"),
    ];

    private static async Task<int> RunAsync(BrokerSettings broker, bool json, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var management = broker.ManagementClient();
        var status = await PipelineStatus.ReadAsync(http, Services(), management, broker.VirtualHost, ct);
        var (healthy, services, queues, brokerError) = (status.Healthy, status.Services, status.Queues, status.BrokerError);
        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new { healthy, virtualHost = broker.VirtualHost, services, queues, brokerError }, Json));
            return healthy ? 0 : 1;
        }

        var color = !Console.IsOutputRedirected && BrokerSettings.Env("NO_COLOR") is null;
        string Mark(bool attention, string text) => attention ? (color ? $"\u001b[31m{text}\u001b[0m" : $"{text} !") : text;

        await Console.Out.WriteLineAsync($"{"SERVICE",-10} {"READY",-10} {"OUTBOX",-8} {"OLDEST",-10} {"STUCK",-6} URL");
        foreach (var s in services)
        {
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{s.Name,-10} {s.Status,-10} {s.OutboxPending?.ToString(CultureInfo.InvariantCulture) ?? "-",-8} {(s.OutboxOldestSeconds is { } age ? $"{age:F0} s" : "-"),-10} {s.OutboxUnpublishable?.ToString(CultureInfo.InvariantCulture) ?? "-",-6} {s.Url}");
            await Console.Out.WriteLineAsync(Mark(s.Attention, line));
        }

        await Console.Out.WriteLineAsync();
        if (brokerError is not null)
        {
            await Console.Out.WriteLineAsync(Mark(true, brokerError));
        }
        else
        {
            await Console.Out.WriteLineAsync($"{"QUEUE",-44} {"MESSAGES",9} {"CONSUMERS",9} {"IN/S",7} {"OUT/S",7}  (virtual host {broker.VirtualHost})");
            foreach (var q in queues!)
            {
                var line = string.Create(CultureInfo.InvariantCulture, $"{q.Name,-44} {q.Messages,9} {q.Consumers,9} {q.PublishRate,7:F1} {q.DeliverRate,7:F1}");
                await Console.Out.WriteLineAsync(Mark(q.Attention, line));
            }
        }

        await Console.Out.WriteLineAsync();
        await Console.Out.WriteLineAsync(healthy ? "All well." : Mark(true, "Something needs a person: see the marked lines (docs/operations.md has the runbook)."));
        return healthy ? 0 : 1;
    }
}
