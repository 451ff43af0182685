using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.Cli.Commands;

/// <summary><c>surveys login</c>: signs in to intake and keeps the bearer token for the other commands.</summary>
public static class LoginCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url")
        {
            Description = "Intake's address (default: SURVEYS_URL, else http://127.0.0.1:5101).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SURVEYS_URL") ?? "http://127.0.0.1:5101",
        };
        var user = new Option<string>("--user") { Description = "Your user name.", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (for scripts)." };
        var command = new Command("login", "Sign in; the token is kept in ~/.config/surveys/credentials.json (the password never is).") { url, user, passwordStdin };
        command.SetAction(async (parse, ct) =>
        {
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
            {
                await Console.Error.WriteLineAsync($"--url must be an http or https address, such as http://127.0.0.1:5101; it is '{parse.GetValue(url)}'.");
                return 2;
            }

            return await RunAsync(address, parse.GetValue(user)!, StaffApi.ReadPassword("Password: ", parse.GetValue(passwordStdin)), ct);
        });
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
