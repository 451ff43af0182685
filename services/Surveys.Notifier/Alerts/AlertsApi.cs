using System.Security.Claims;
using Surveys.Instruments;
using Surveys.Data.Audit;
using Surveys.Web.Security;

namespace Surveys.Notifier.Alerts;

/// <summary>The nurses' JSON API: the alerts and actions the staff portal's alert pages show and take.</summary>
public static class AlertsApi
{
    public static readonly string[] Statuses = ["open", "acknowledged", "resolved"];
    public static readonly string[] Severities = [AlertRules.Urgent, AlertRules.High, AlertRules.Routine];
    public static readonly string[] Rules = [AlertRules.CriticalItem, AlertRules.SevereBand, AlertRules.WorseThanBaseline, AlertRules.MissedSurveys];
    public static readonly string[] Outcomes = AlertWords.Outcomes.Select(o => o.Key).ToArray();
    public const int MaxNoteLength = 2000;

    public sealed record AlertDetails(Alert Alert, IReadOnlyList<Evidence> Evidence);

    public sealed record Resolution(string? Outcome, string? Note);

    /// <summary>When any alert last appeared or changed (text that sorts as time sorts), and the unresolved alerts by severity.</summary>
    public sealed record AlertsLatest(string Latest, IReadOnlyDictionary<string, long> Unresolved);

    public static RouteGroupBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Alerts").RequireAuthorization(Roles.Nurse);
        group.MapGet("/alerts", FindAlerts)
            .WithSummary("Alerts: unresolved first, then most severe, then open before acknowledged, then the latest evidence first; filter by patient, status, severity, rule, instrument.")
            .ProducesValidationProblem();
        group.MapGet("/alerts/latest", Latest)
            .WithSummary("When any alert last appeared or changed, and how many are unresolved at each severity: counts only, no patient data.");
        group.MapGet("/alerts/{id:guid}", GetAlert).WithSummary("One alert with its evidence: what was compared and the answers that triggered it.");
        group.MapPost("/alerts/{id:guid}/acknowledge", Acknowledge).WithSummary("Say that a nurse has seen the alert and is on it.");
        group.MapPost("/alerts/{id:guid}/resolve", Resolve).WithSummary("Close the alert with an outcome (contacted_patient, referred, false_alarm, other) and a note.")
            .ProducesValidationProblem();
        return group;
    }

    /// <summary>Checks a filter's words against the known values; null when all are fine.</summary>
    public static Dictionary<string, string[]>? Validate(string? status, string? severity, string? rule)
    {
        var errors = new Dictionary<string, string[]>();
        void Check(string name, string? value, string[] allowed)
        {
            if (value is not null && !allowed.Contains(value))
            {
                errors[name] = [$"Use one of: {string.Join(", ", allowed)}; or leave it out."];
            }
        }

        Check("status", status, Statuses);
        Check("severity", severity, Severities);
        Check("rule", rule, Rules);
        return errors.Count == 0 ? null : errors;
    }

    private static async Task<Results<Ok<IReadOnlyList<Alert>>, ValidationProblem>> FindAlerts(
        Guid? patientId, string? status, string? severity, string? rule, string? instrument, AlertStore store, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        if (Validate(status, severity, rule) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var alerts = await store.FindAlertsAsync(new AlertFilter(patientId, status, severity, rule, instrument), ct);
        await audit.RecordAsync(context, "alerts_view", patientId?.ToString() ?? "all");
        return TypedResults.Ok(alerts);
    }

    private static async Task<Ok<AlertsLatest>> Latest(AlertStore store, CancellationToken ct)
    {
        var counts = await store.CountOpenAsync(ct);
        return TypedResults.Ok(new AlertsLatest(await store.LatestChangeAsync(ct), Severities.ToDictionary(s => s, s => counts.GetValueOrDefault(s), StringComparer.Ordinal)));
    }

    private static async Task<Results<Ok<AlertDetails>, ProblemHttpResult>> GetAlert(Guid id, AlertStore store, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        if (await store.GetAlertAsync(id, ct) is not { } found)
        {
            return NotFound(id);
        }

        await audit.RecordAsync(context, "alert_view", id.ToString());
        return TypedResults.Ok(new AlertDetails(found.Alert, found.Evidence));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Acknowledge(
        Guid id, AlertStore store, AuditLog audit, HttpContext context, ClaimsPrincipal user, CancellationToken ct)
    {
        var change = await store.AcknowledgeAsync(id, user.Identity!.Name!, ct);
        await audit.RecordAsync(context, "alert_acknowledge", id.ToString(), change == AlertChange.Done ? "ok" : change.ToString());
        return change switch
        {
            AlertChange.Done => TypedResults.NoContent(),
            AlertChange.NotFound => NotFound(id),
            _ => AlreadyResolved(),
        };
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Resolve(
        Guid id, Resolution request, AlertStore store, AuditLog audit, HttpContext context, ClaimsPrincipal user, CancellationToken ct)
    {
        if (CheckResolution(request.Outcome, request.Note) is { } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The alert cannot be resolved like that");
        }

        var change = await store.ResolveAsync(id, user.Identity!.Name!, request.Outcome!, string.IsNullOrWhiteSpace(request.Note) ? null : request.Note, ct);
        await audit.RecordAsync(context, "alert_resolve", $"{id} {request.Outcome}", change == AlertChange.Done ? "ok" : change.ToString());
        return change switch
        {
            AlertChange.Done => TypedResults.NoContent(),
            AlertChange.NotFound => NotFound(id),
            _ => AlreadyResolved(),
        };
    }

    public static Dictionary<string, string[]>? CheckResolution(string? outcome, string? note)
    {
        var errors = new Dictionary<string, string[]>();
        if (outcome is null || !Outcomes.Contains(outcome))
        {
            errors["outcome"] = [$"Choose the outcome: {AlertWords.OutcomeChoices()}."];
        }

        if (note is { Length: > MaxNoteLength })
        {
            errors["note"] = [$"Keep the note to {MaxNoteLength} characters."];
        }

        if (outcome == "other" && string.IsNullOrWhiteSpace(note))
        {
            errors["note"] = ["Say what happened in the note when the outcome is Other."];
        }

        return errors.Count == 0 ? null : errors;
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Alert not found", detail: $"No alert has the id {id}.");

    private static ProblemHttpResult AlreadyResolved() =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already resolved", detail: "This alert was resolved already; new evidence will open a new alert.");
}
