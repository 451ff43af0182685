using System.CommandLine;

namespace Surveys.Cli.Commands;

/// <summary>
/// <c>surveys report --out report.html [--protocol t1d-followup]</c>: saves the cohort's outcomes report, one
/// self-contained HTML file (intake builds it, with the notifier's alert statistics), for reading or printing.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out") { Description = "Write the report to this HTML file.", Required = true };
        var protocol = new Option<string?>("--protocol") { Description = "The follow-up protocol whose cohort to report on (default: the first protocol)." };
        var command = new Command("report", "Outcomes report: change from baseline with 95% CIs, MID shares, diary, alerts, trajectories (admin or nurse).")
        {
            output, protocol,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var client = StaffApi.SignedInClient(Console.Error);
            if (client is null)
            {
                return 1;
            }

            var query = parse.GetValue(protocol) is { } id ? $"?protocol={Uri.EscapeDataString(id)}" : "";
            return await ExportCommand.DownloadAsync(client, $"/api/outcomes/report{query}", parse.GetValue(output), ct);
        });
        return command;
    }
}
