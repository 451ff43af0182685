using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Surveys.Cli.Commands;

/// <summary>
/// The console's session with intake: <c>surveys login</c> stores a short-lived bearer token (never the
/// password) in ~/.config/surveys/credentials.json, readable by its owner only; other commands use it.
/// </summary>
public sealed record Credentials(Uri Url, string UserName, string AccessToken, DateTimeOffset ExpiresAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string FilePath => Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } config ? config : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"),
        "surveys",
        "credentials.json");

    public void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        using (File.Create(FilePath))
        {
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(FilePath, JsonSerializer.Serialize(this, Json));
    }

    public static Credentials? Load() =>
        File.Exists(FilePath) ? JsonSerializer.Deserialize<Credentials>(File.ReadAllText(FilePath), Json) : null;
}

public static class StaffApi
{
    /// <summary>Reads a password without echoing it: from standard input when redirected, else from the terminal.</summary>
    public static string ReadPassword(string prompt, bool fromStdin)
    {
        if (fromStdin || Console.IsInputRedirected)
        {
            return (Console.In.ReadLine() ?? string.Empty).TrimEnd('\r', '\n');
        }

        Console.Error.Write(prompt);
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }

                continue;
            }

            password.Append(key.KeyChar);
        }

        Console.Error.WriteLine();
        return password.ToString();
    }

    /// <summary>A client for the signed-in session, or null (with a message) when there is none or it expired.</summary>
    public static HttpClient? SignedInClient(TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var credentials = Credentials.Load();
        if (credentials is null || credentials.ExpiresAt <= DateTimeOffset.UtcNow)
        {
            stderr.WriteLine(credentials is null ? "Not signed in: run `surveys login` first." : "Your sign-in has expired: run `surveys login` again.");
            return null;
        }

        var client = new HttpClient { BaseAddress = credentials.Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credentials.AccessToken);
        return client;
    }

    /// <summary>Prints a failed response's problem details in words; returns the exit code (1).</summary>
    public static async Task<int> ReportAsync(HttpResponseMessage response, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(stderr);
        var problem = await TryReadAsync(response);
        var title = problem?["title"]?.GetValue<string>() ?? response.ReasonPhrase ?? "Request failed";
        var detail = problem?["detail"]?.GetValue<string>();
        await stderr.WriteLineAsync($"{(int)response.StatusCode} {title}{(detail is null ? string.Empty : $": {detail}")}");
        if (problem?["errors"] is JsonObject errors)
        {
            foreach (var (field, messages) in errors)
            {
                await stderr.WriteLineAsync($"  {field}: {string.Join(" ", messages!.AsArray().Select(m => m!.GetValue<string>()))}");
            }
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            await stderr.WriteLineAsync("Run `surveys login` to sign in again.");
        }

        return 1;
    }

    private static async Task<JsonObject?> TryReadAsync(HttpResponseMessage response)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonObject>();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
