using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.Cli.Commands;

/// <summary><c>surveys login</c>: signs in to intake and keeps the bearer token for the other commands.</summary>
public static class LoginCommand
{
    public static Command Create()
    {
        var url = new Option<Uri>("--url")
        {
            Description = "Intake's address.",
            DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable("SURVEYS_URL") ?? "http://127.0.0.1:5101"),
        };
        var user = new Option<string>("--user") { Description = "Your user name.", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (for scripts)." };
        var command = new Command("login", "Sign in; the token is kept in ~/.config/surveys/credentials.json (the password never is).") { url, user, passwordStdin };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(url)!, parse.GetValue(user)!, StaffApi.ReadPassword("Password: ", parse.GetValue(passwordStdin)), ct));
        return command;
    }

    public static async Task<int> RunAsync(Uri url, string userName, string password, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = url };
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password }, ct);
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"Cannot reach intake at {url}: {ex.Message}");
            return 1;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return await StaffApi.ReportAsync(response, Console.Error);
            }

            var body = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
            var expiresIn = body["expiresIn"]!.GetValue<int>();
            new Credentials(url, userName, body["accessToken"]!.GetValue<string>(), DateTimeOffset.UtcNow.AddSeconds(expiresIn)).Save();
            var roles = string.Join(", ", body["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
            await Console.Out.WriteLineAsync($"Signed in as {userName} ({roles}) for {expiresIn / 60} minutes.");
            return 0;
        }
    }
}
