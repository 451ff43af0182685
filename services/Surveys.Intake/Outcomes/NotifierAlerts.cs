using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Surveys.Contracts;

namespace Surveys.Intake.Outcomes;

/// <summary>
/// Fetches alert statistics (GET /api/alerts/summary, <see cref="AlertSummaryResponse"/>) from the notifier (alerts live in its database) on behalf of the caller: their own bearer
/// token is passed on, so the notifier checks their role itself. The notifier's address is Intake:NotifierUrl.
/// </summary>
public sealed partial class NotifierAlerts(IHttpClientFactory clients, IOptions<IntakeOptions> options, ILogger<NotifierAlerts> logger)
{
    public const string ClientName = "outcomes-notifier";

    /// <summary>The summary, or null with the reason it is missing (the report says so and goes on).</summary>
    public async Task<(AlertSummaryResponse? Counts, string? Missing)> ReadAsync(HttpContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
        if (token is null)
        {
            return (null, "no credentials to pass on to the notifier");
        }

        using var http = clients.CreateClient(ClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Value.NotifierUrl, "/api/alerts/summary"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                LogUnavailable(logger, (int)response.StatusCode);
                return (null, $"the notifier answered {(int)response.StatusCode}");
            }

            return (await response.Content.ReadFromJsonAsync<AlertSummaryResponse>(ct), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            LogUnreachable(logger, ex.GetType().Name);
            return (null, "the notifier could not be reached");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outcomes report: the notifier's alert summary answered {Status}")]
    private static partial void LogUnavailable(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outcomes report: the notifier's alert summary could not be read ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string error);
}
