using System.CommandLine;
using Spectre.Console;
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
        foreach (var option in BrokerCommandLine.Options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) => BrokerCommandLine.From(parse, Console.Error) is { } broker
            ? await RunAsync(broker, parse.GetValue(json), ct)
            : 2);
        return command;
    }

    internal static (string Name, string Url)[] Services() =>
    [
        ("intake", BrokerCommandLine.Env("SURVEYS_INTAKE_URL") ?? "http://127.0.0.1:5101"),
        ("scoring", BrokerCommandLine.Env("SURVEYS_SCORING_URL") ?? "http://127.0.0.1:5102"),
        ("notifier", BrokerCommandLine.Env("SURVEYS_NOTIFIER_URL") ?? "http://127.0.0.1:5103"),
        ("portal", BrokerCommandLine.Env("SURVEYS_PORTAL_URL") ?? "http://127.0.0.1:5104"),
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

        // Tables that fit a terminal; plain (no colour, wide enough for one row a line) when redirected to a file or a script.
        var redirected = Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected || BrokerCommandLine.Env("NO_COLOR") is not null ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        if (redirected)
        {
            console.Profile.Width = 200;
        }

        static string Flag(bool attention) => attention ? "[red bold]needs a person[/]" : string.Empty;
        static string Cell(bool attention, string text) => attention ? $"[red]{Markup.Escape(text)}[/]" : Markup.Escape(text);

        var serviceTable = new Table().Border(TableBorder.Simple).Title("Services")
            .AddColumns("Service", "Ready", "Outbox", "Oldest", "Stuck", "Urgent alerts past last contact", "Stalled work", "URL", string.Empty);
        foreach (var s in services)
        {
            serviceTable.AddRow(
                Cell(s.Attention, s.Name), Cell(s.Attention, s.Status), Markup.Escape(s.OutboxPending?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                Markup.Escape(s.OutboxOldestSeconds is { } age ? string.Create(CultureInfo.InvariantCulture, $"{age:F0} s") : "-"),
                Markup.Escape(s.OutboxUnpublishable?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                Cell(s.UrgentAlertsPastLastLevel > 0, s.UrgentAlertsPastLastLevel?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                Cell(s.StalledWork is not null, s.StalledWork ?? "-"), Markup.Escape(s.Url), Flag(s.Attention));
        }

        console.Write(serviceTable);
        if (services.Sum(s => s.UrgentAlertsPastLastLevel ?? 0) is var waiting and > 0)
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"[red bold]{waiting} urgent alert(s) not acknowledged although every escalation contact was told: a person must reach the clinical team now.[/]"));
        }

        foreach (var s in services.Where(s => s.StalledWork is not null))
        {
            console.MarkupLine($"[red bold]{Markup.Escape(s.Name)}: work has stopped moving ({Markup.Escape(s.StalledWork!)}): check the broker and the service's log, restart it if it does not recover.[/]");
        }

        if (brokerError is not null)
        {
            console.MarkupLine($"[red]{Markup.Escape(brokerError)}[/]");
        }
        else
        {
            var queueTable = new Table().Border(TableBorder.Simple).Title($"Queues (virtual host {Markup.Escape(status.VirtualHost)}; broker figures may lag a few seconds)")
                .AddColumns("Queue", "Messages", "Consumers", "In/s", "Out/s", string.Empty);
            foreach (var q in queues!)
            {
                queueTable.AddRow(
                    Cell(q.Attention, q.Name), q.Messages.ToString(CultureInfo.InvariantCulture), q.Consumers.ToString(CultureInfo.InvariantCulture),
                    q.PublishRate.ToString("F1", CultureInfo.InvariantCulture), q.DeliverRate.ToString("F1", CultureInfo.InvariantCulture), Flag(q.Attention));
            }

            console.Write(queueTable);
        }

        console.MarkupLine(healthy ? "All well." : "[red bold]Something needs a person: see the marked rows (docs/operations.md has the runbook).[/]");
        return healthy ? 0 : 1;
    }
}
