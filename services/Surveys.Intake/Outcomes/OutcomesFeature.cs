using Surveys.Instruments;
using Surveys.Intake.Scheduling;
using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Pages;
using Surveys.ServiceDefaults.Security;

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
/// The outcomes report (admin or nurse; audited): <c>/staff/outcomes</c> is the page, and
/// <c>GET /api/outcomes/report</c> (also <c>/staff/outcomes/report.html</c>) the same report as one self-contained
/// HTML file that <c>surveys report</c> saves. Alert statistics come from the notifier's GET /api/alerts/summary.
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
        app.MapGet("/staff/outcomes", Page).RequireAuthorization(Staff).ExcludeFromDescription();
        app.MapGet("/staff/outcomes/report.html", File).RequireAuthorization(Staff).ExcludeFromDescription();
        app.MapGet("/api/outcomes/report", File)
            .RequireAuthorization(Staff)
            .WithTags("Outcomes")
            .WithSummary("The cohort's outcomes report as one self-contained HTML file (descriptive statistics, charts as inline SVG).")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static Task<IResult> Page(
        string? protocol, HttpContext context, OutcomesService outcomes, NotifierAlerts alerts, AuditLog audit, TimeProvider time, CancellationToken ct) =>
        ReportAsync(protocol, standalone: false, context, outcomes, alerts, audit, time, ct);

    private static Task<IResult> File(
        string? protocol, HttpContext context, OutcomesService outcomes, NotifierAlerts alerts, AuditLog audit, TimeProvider time, CancellationToken ct) =>
        ReportAsync(protocol, standalone: true, context, outcomes, alerts, audit, time, ct);

    private static async Task<IResult> ReportAsync(
        string? protocolId, bool standalone, HttpContext context, OutcomesService outcomes, NotifierAlerts alerts, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var protocol = outcomes.Protocol(protocolId);
        if (protocol is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown protocol",
                detail: $"No follow-up protocol has the id '{protocolId}'. Use one of: {string.Join(", ", outcomes.ProtocolIds)}.");
        }

        var result = await outcomes.ComputeAsync(protocol, ct);
        var (counts, missing) = await alerts.ReadAsync(context, ct);
        await audit.RecordAsync(context, "outcomes_report", protocol.Id);
        var body = OutcomesReport.Body(result, counts, missing, time.GetUtcNow());
        if (standalone)
        {
            context.Response.Headers.ContentDisposition = "attachment; filename=\"outcomes-report.html\"";
            return Results.Content(OutcomesReport.Document(body), "text/html; charset=utf-8");
        }

        var download = $"<p class=\"no-print\"><a class=\"button button--secondary\" href=\"/staff/outcomes/report.html?protocol={Uri.EscapeDataString(protocol.Id)}\">Download as one HTML file</a></p>";
        return HtmlPage.Render("Outcomes report", download + body, wide: true);
    }
}
