using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Surveys.Portal.Apis;

/// <summary>
/// One of the services' JSON APIs, called as the signed-in person (<see cref="StaffBearerHandler"/>) with a time limit
/// on every call. Pages never see an exception from here: a refusal, a problem or a service that does not answer comes
/// back as an <see cref="ApiProblem"/> to show in plain words.
/// </summary>
public abstract class ServiceApi(HttpClient http, string plainName)
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    public Task<ApiResult<T>> PostAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Post, path, body, ct);

    public Task<ApiResult<T>> PutAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Put, path, body, ct);

    public Task<ApiResult<T>> DeleteAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Delete, path, null, ct);

    public async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (body is not null)
            {
                request.Content = JsonContent.Create(body, options: Json);
            }

            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
            {
                var value = response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0
                    ? default
                    : await response.Content.ReadFromJsonAsync<T>(Json, ct);
                return new ApiResult<T>(value, null);
            }

            return new ApiResult<T>(default, await ProblemAsync(response, ct));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
        {
            return new ApiResult<T>(default, new ApiProblem(
                (int)HttpStatusCode.ServiceUnavailable,
                $"{Capitalised(plainName)} is not answering",
                $"Try again in a minute. If it goes on, tell an operator: {plainName} may be stopped.",
                new Dictionary<string, string[]>()));
        }
    }

    private async Task<ApiProblem> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        JsonObject? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<JsonObject>(Json, ct);
        }
        catch (JsonException)
        {
            // Not problem details: the status says enough.
        }

        var errors = problem?["errors"] is JsonObject fields
            ? fields.ToDictionary(f => f.Key, f => f.Value is JsonArray list ? list.Select(m => m?.ToString() ?? "").ToArray() : [f.Value?.ToString() ?? ""])
            : new Dictionary<string, string[]>();
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new ApiProblem(status, "Not allowed for your role",
                "Your account cannot do this. Ask an administrator if you should.", errors),
            HttpStatusCode.NotFound => new ApiProblem(status, "Not found", (string?)problem?["detail"] ?? "It may have been removed, or the address is wrong.", errors),
            >= HttpStatusCode.InternalServerError => new ApiProblem(status, $"{Capitalised(plainName)} could not do this",
                $"Try again in a minute. If it goes on, tell an operator about {plainName}.", errors),
            _ => new ApiProblem(status, (string?)problem?["title"] ?? "That could not be done", (string?)problem?["detail"], errors),
        };
    }

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

/// <summary>What a call brought back: a value, or a problem to show.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Succeeded => Problem is null;
}

/// <summary>A call that did not succeed, in words for staff: a title, what to do, and the fields a form got wrong.</summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>Intake's API: staff accounts, patients, invitations, protocols, the audit trail, research and outcomes.</summary>
public sealed class IntakeApi(HttpClient http) : ServiceApi(http, "the survey service");

/// <summary>The notifier's API: alerts, their evidence and outcomes, score histories.</summary>
public sealed class NotifierApi(HttpClient http) : ServiceApi(http, "the alerts service");
