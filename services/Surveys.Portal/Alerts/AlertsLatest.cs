using Surveys.Portal.Apis;
using Surveys.Web.Security;

namespace Surveys.Portal.Alerts;

/// <summary>When any alert last appeared or changed, and how many are unresolved at each severity (the notifier's counts).</summary>
public sealed record AlertsLatestView(string Latest, IReadOnlyDictionary<string, long> Unresolved);

/// <summary>
/// <c>GET /alerts/latest</c>: what the alerts page's script (<c>live.js</c>) asks every 15 seconds to learn whether new
/// alerts have arrived, so it can say so and refresh the list without a reload. Counts and a time only: no patient data.
/// </summary>
public static class AlertsLatest
{
    public static IEndpointRouteBuilder MapAlertsLatest(this IEndpointRouteBuilder app)
    {
        app.MapGet("/alerts/latest", async (NotifierApi notifier, HttpContext context) =>
            {
                var found = await notifier.GetAsync<AlertsLatestView>("/api/alerts/latest", context.RequestAborted);
                return found.Value is { } latest
                    ? Results.Ok(new { latest = latest.Latest })
                    : Results.Problem(statusCode: found.Problem!.Status, title: found.Problem.Title, detail: found.Problem.Detail);
            })
            .RequireAuthorization(Roles.Nurse)
            .ExcludeFromDescription();
        return app;
    }
}
