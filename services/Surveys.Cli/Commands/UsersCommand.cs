using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.Cli.Commands;

/// <summary><c>surveys users add|list|disable</c>: staff accounts (needs an admin's sign-in).</summary>
public static class UsersCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The user name (lower-case letters, digits, . _ -)." };
        var roles = new Option<string[]>("--role") { Description = "admin, nurse or operator; repeat for several.", Required = true, AllowMultipleArgumentsPerToken = false };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the new account's password from standard input; otherwise one is generated and shown once." };
        var add = new Command("add", "Add a staff account.") { name, roles, passwordStdin };
        add.SetAction((parse, ct) => AddAsync(parse.GetValue(name)!, parse.GetValue(roles)!, parse.GetValue(passwordStdin) ? StaffApi.ReadPassword("Password: ", true) : null, ct));

        var list = new Command("list", "List staff accounts.");
        list.SetAction((_, ct) => ListAsync(ct));

        var disableName = new Argument<string>("name") { Description = "The account to disable." };
        var disable = new Command("disable", "Disable an account (it stays in the audit trail).") { disableName };
        disable.SetAction((parse, ct) => DisableAsync(parse.GetValue(disableName)!, ct));

        return new Command("users", "Staff accounts: add, list, disable (admin).") { add, list, disable };
    }

    private static async Task<int> AddAsync(string name, string[] roles, string? password, CancellationToken ct)
    {
        using var client = StaffApi.SignedInClient(Console.Error);
        if (client is null)
        {
            return 1;
        }

        using var response = await client.PostAsJsonAsync("/api/users", new { userName = name, roles, password }, ct);
        if (!response.IsSuccessStatusCode)
        {
            return await StaffApi.ReportAsync(response, Console.Error);
        }

        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
        await Console.Out.WriteLineAsync($"Added {name} ({string.Join(", ", roles)}).");
        if (body["password"]?.GetValue<string>() is { } generated)
        {
            await Console.Out.WriteLineAsync($"Password (shown this once): {generated}");
        }

        return 0;
    }

    private static async Task<int> ListAsync(CancellationToken ct)
    {
        using var client = StaffApi.SignedInClient(Console.Error);
        if (client is null)
        {
            return 1;
        }

        using var response = await client.GetAsync(new Uri("/api/users", UriKind.Relative), ct);
        if (!response.IsSuccessStatusCode)
        {
            return await StaffApi.ReportAsync(response, Console.Error);
        }

        foreach (var user in (await response.Content.ReadFromJsonAsync<JsonArray>(ct))!)
        {
            var state = user!["disabled"]!.GetValue<bool>() ? "disabled" : user["lockedOut"]!.GetValue<bool>() ? "locked" : "active";
            var userRoles = string.Join(",", user["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
            await Console.Out.WriteLineAsync($"{user["userName"]!.GetValue<string>(),-24} {userRoles,-24} {state}");
        }

        return 0;
    }

    private static async Task<int> DisableAsync(string name, CancellationToken ct)
    {
        using var client = StaffApi.SignedInClient(Console.Error);
        if (client is null)
        {
            return 1;
        }

        using var response = await client.DeleteAsync(new Uri($"/api/users/{Uri.EscapeDataString(name)}", UriKind.Relative), ct);
        if (!response.IsSuccessStatusCode)
        {
            return await StaffApi.ReportAsync(response, Console.Error);
        }

        await Console.Out.WriteLineAsync($"Disabled {name}.");
        return 0;
    }
}
