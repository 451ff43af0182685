using Surveys.Data.Audit;
using Surveys.Web.Security;

namespace Surveys.Notifier.Scores;

/// <summary>A patient's score history, as the notifier recorded it to compare each score with the ones before (nurses).</summary>
public static class ScoresApi
{
    public static RouteGroupBuilder MapScoresApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Alerts").RequireAuthorization(Roles.Nurse);
        group.MapGet("/patients/{patientId:guid}/scores", GetScores).WithSummary("A patient's score history, oldest first.");
        return group;
    }

    private static async Task<Ok<IReadOnlyList<ScoreEntry>>> GetScores(Guid patientId, ScoreHistoryStore store, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var scores = await store.GetScoresAsync(patientId, ct);
        await audit.RecordAsync(context, "patient_view", patientId.ToString());
        return TypedResults.Ok(scores);
    }
}
