using Surveys.Notifier.Data;
using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Security;

namespace Surveys.Notifier.Alerts;

public static class AlertsApi
{
    private static readonly string[] Statuses = ["open", "acknowledged", "resolved"];

    public static RouteGroupBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Alerts").RequireAuthorization(Roles.Nurse);
        group.MapGet("/alerts", FindAlerts)
            .WithSummary("Alerts, newest first, optionally for one patient and in one status.")
            .ProducesValidationProblem();
        group.MapGet("/patients/{patientId:guid}/scores", GetScores)
            .WithSummary("A patient's score history, oldest first.");
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<Alert>>, ValidationProblem>> FindAlerts(
        Guid? patientId, string? status, NotifierStore store, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        if (status is not null && !Statuses.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["status"] = [$"Use one of: {string.Join(", ", Statuses)}; or leave it out for all alerts."],
            });
        }

        var alerts = await store.FindAlertsAsync(patientId, status, ct);
        await audit.RecordAsync(context, "alerts_view", patientId?.ToString() ?? "all");
        return TypedResults.Ok(alerts);
    }

    private static async Task<Ok<IReadOnlyList<ScoreEntry>>> GetScores(Guid patientId, NotifierStore store, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var scores = await store.GetScoresAsync(patientId, ct);
        await audit.RecordAsync(context, "patient_view", patientId.ToString());
        return TypedResults.Ok(scores);
    }
}
