using Surveys.Notifier.Data;

namespace Surveys.Notifier.Alerts;

public static class AlertsApi
{
    private static readonly string[] Statuses = ["open", "acknowledged", "resolved"];

    public static RouteGroupBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Alerts");
        group.MapGet("/alerts", FindAlerts)
            .WithSummary("Alerts, newest first, optionally for one patient and in one status.")
            .ProducesValidationProblem();
        group.MapGet("/patients/{patientId:guid}/scores", GetScores)
            .WithSummary("A patient's score history, oldest first.");
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<Alert>>, ValidationProblem>> FindAlerts(
        Guid? patientId, string? status, NotifierStore store, CancellationToken ct)
    {
        if (status is not null && !Statuses.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["status"] = [$"Use one of: {string.Join(", ", Statuses)}; or leave it out for all alerts."],
            });
        }

        return TypedResults.Ok(await store.FindAlertsAsync(patientId, status, ct));
    }

    private static async Task<Ok<IReadOnlyList<ScoreEntry>>> GetScores(Guid patientId, NotifierStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.GetScoresAsync(patientId, ct));
}
