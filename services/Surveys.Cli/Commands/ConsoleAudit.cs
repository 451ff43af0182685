using System.Net.Http.Json;

namespace Surveys.Cli.Commands;

/// <summary>
/// Replays and purges change what happens to patients' messages, so they are audited: the console
/// records each in intake's audit trail under the operator's own sign-in (<c>surveys login</c>), and
/// refuses to act when it cannot.
/// </summary>
public static class ConsoleAudit
{
    public static async Task<bool> RecordAsync(string action, string target, string outcome, CancellationToken ct)
    {
        using var client = StaffApi.SignedInClient(Console.Error);
        if (client is null)
        {
            await Console.Error.WriteLineAsync("Replays and purges are audited: sign in as an operator first with `surveys login --user <name>`.");
            return false;
        }

        try
        {
            using var response = await client.PostAsJsonAsync("/api/audit/console", new { action, target, outcome }, ct);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            await StaffApi.ReportAsync(response, Console.Error);
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"Cannot reach intake to audit this action ({ex.Message}); nothing was done.");
        }

        return false;
    }
}
