using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Surveys.Cli.Load;
using Surveys.Operations;

namespace Surveys.Cli.Commands;

/// <summary>
/// <c>surveys load</c>: the load harness. Against a running system (signed in as an admin with <c>surveys login</c>,
/// on the same machine so that it can read the services' SQLite files), submits a realistic mix of forms and
/// reports throughput, latencies, backlog, memory and CPU beside the broker's own ceiling. Exit code 0 when every
/// form was scored and recorded exactly once and every expected alert raised exactly once, 1 otherwise.
/// </summary>
public static class LoadCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals, // NaN: no latency measured
    };

    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "How many forms to submit.", DefaultValueFactory = _ => 10_000 };
        var warmup = new Option<int?>("--warmup") { Description = "Forms submitted and waited for before measuring (default: a tenth of --count, at most 2,000)." };
        var rate = new Option<double>("--rate") { Description = "Submissions a second; 0 submits as fast as intake accepts them.", DefaultValueFactory = _ => 0 };
        var concurrency = new Option<int>("--concurrency") { Description = "Most requests in flight at once.", DefaultValueFactory = _ => 64 };
        var alertShare = new Option<double>("--alert-share") { Description = $"Share of forms made to raise an alert (0 to {LoadPlan.MaxAlertShare}).", DefaultValueFactory = _ => 0.1 };
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "The system's data folder, holding intake.db, scoring.db and notifier.db (default: SURVEYS_DATA_DIR, else ./data).",
            DefaultValueFactory = _ => BrokerCommandLine.Env("SURVEYS_DATA_DIR") ?? "data",
        };
        var intakes = new Option<string[]>("--intake-url")
        {
            Description = "An intake instance to submit to; repeat it to spread the forms over several (default: where `surveys login` signed in).",
            AllowMultipleArgumentsPerToken = false,
        };
        var noCeiling = new Option<bool>("--no-ceiling") { Description = "Skip measuring the broker's raw two-hop ceiling." };
        var httpFloor = new Option<int>("--http-floor")
        {
            Description = "Seconds to measure the HTTP floor first (forms posted with an unknown token, answered 404); 0 skips it.",
            DefaultValueFactory = _ => 0,
        };
        var drain = new Option<int>("--drain-timeout") { Description = "Seconds to wait for the pipeline to finish after the last submission.", DefaultValueFactory = _ => 300 };
        var output = new Option<string?>("--out") { Description = "Also write the results as JSON to this file." };
        var command = new Command("load", "Load harness: submit many forms and measure the pipeline against the broker's ceiling (see docs/benchmarks.md).")
        {
            count, warmup, rate, concurrency, alertShare, dataDir, intakes, noCeiling, httpFloor, drain, output,
        };
        foreach (var option in BrokerCommandLine.Options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(count) < 1 || parse.GetValue(rate) < 0 || parse.GetValue(concurrency) < 1
                || parse.GetValue(alertShare) is < 0 or > LoadPlan.MaxAlertShare || parse.GetValue(drain) < 1 || parse.GetValue(warmup) < 0 || parse.GetValue(httpFloor) < 0)
            {
                await Console.Error.WriteLineAsync($"--count, --concurrency and --drain-timeout must be at least 1, --rate, --warmup and --http-floor at least 0, and --alert-share between 0 and {LoadPlan.MaxAlertShare}.");
                return 2;
            }

            var credentials = Credentials.Load();
            if (credentials is null || credentials.ExpiresAt <= DateTimeOffset.UtcNow)
            {
                await Console.Error.WriteLineAsync("Not signed in: run `surveys login` as an admin first (the harness creates patients and invitations).");
                return 2;
            }

            if (BrokerCommandLine.From(parse, Console.Error) is not { } broker)
            {
                return 2;
            }

            var urls = new List<Uri>();
            foreach (var text in parse.GetValue(intakes) ?? [])
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
                {
                    await Console.Error.WriteLineAsync($"--intake-url must be an address such as http://127.0.0.1:5101; it is '{text}'.");
                    return 2;
                }

                urls.Add(url);
            }

            var settings = new LoadSettings(
                urls.Count > 0 ? urls : [credentials.Url], Path.GetFullPath(parse.GetValue(dataDir)!), parse.GetValue(count),
                parse.GetValue(warmup) ?? Math.Min(2_000, parse.GetValue(count) / 10), parse.GetValue(rate), parse.GetValue(concurrency),
                parse.GetValue(alertShare), !parse.GetValue(noCeiling), TimeSpan.FromSeconds(parse.GetValue(drain)),
                TimeSpan.FromSeconds(parse.GetValue(httpFloor)));
            var result = await LoadRun.RunAsync(settings, broker, credentials.AccessToken, Console.Error, ct);
            await Console.Out.WriteLineAsync(result.ToMarkdown());
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, Json), ct);
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"results written to {path}"));
            }

            return result.Checks.Passed ? 0 : 1;
        });
        return command;
    }
}
