using Surveys.Instruments;
using Surveys.Intake.Scheduling;
using Surveys.Data.Audit;
using Surveys.Web.Security;

namespace Surveys.Intake.Outcomes;

/// <summary>Builds the cohort's <see cref="OutcomesResult"/> from intake's database.</summary>
public sealed class OutcomesService(OutcomesStore store, ProtocolCatalog protocols, InstrumentCatalog instruments)
{
    public FollowUpProtocol? Protocol(string? id) => id is not null ? protocols.Find(id) : protocols.All is [var first, ..] ? first : null;

    public IEnumerable<string> ProtocolIds => protocols.All.Select(p => p.Id);

    public async Task<OutcomesResult> ComputeAsync(FollowUpProtocol protocol, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        var cohort = await store.CountPatientsAsync(protocol.Id, ct);
        var totals = await store.ScoredTotalsAsync(protocol.Id, ct);
        var diaries = await store.DiariesAsync(protocol.Id, OutcomesCalculator.Diary, ct);
        return OutcomesCalculator.Compute(protocol, instruments, cohort, totals, diaries);
    }
}

/// <summary>
/// The outcomes report (admin or nurse; audited): <c>GET /api/outcomes/report</c> is the report as one self-contained
/// HTML file, which <c>surveys report</c> saves and the staff portal's research page downloads. Alert statistics come
/// from the notifier's GET /api/alerts/summary.
/// </summary>
public static class OutcomesFeature
{
    public static IHostApplicationBuilder AddOutcomes(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<OutcomesStore>();
        builder.Services.AddSingleton<OutcomesService>();
        builder.Services.AddSingleton<NotifierAlerts>();
        builder.Services.AddHttpClient(NotifierAlerts.ClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        return builder;
    }

    public static IEndpointRouteBuilder MapOutcomes(this IEndpointRouteBuilder app)
    {
        static void Staff(Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder policy) => policy.RequireRole(Roles.Admin, Roles.Nurse);
        app.MapGet("/api/outcomes/report", ReportAsync)
            .RequireAuthorization(Staff)
            .WithTags("Outcomes")
            .WithSummary("The cohort's outcomes report as one self-contained HTML file (descriptive statistics, charts as inline SVG).")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ReportAsync(
        string? protocol, HttpContext context, OutcomesService outcomes, NotifierAlerts alerts, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var followUp = outcomes.Protocol(protocol);
        if (followUp is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown protocol",
                detail: $"No follow-up protocol has the id '{protocol}'. Use one of: {string.Join(", ", outcomes.ProtocolIds)}.");
        }

        var result = await outcomes.ComputeAsync(followUp, ct);
        var (counts, missing) = await alerts.ReadAsync(context, ct);
        await audit.RecordAsync(context, "outcomes_report", followUp.Id);
        context.Response.Headers.ContentDisposition = "attachment; filename=\"outcomes-report.html\"";
        return Results.Content(OutcomesReport.Document(OutcomesReport.Body(result, counts, missing, time.GetUtcNow())), "text/html; charset=utf-8");
    }
}
