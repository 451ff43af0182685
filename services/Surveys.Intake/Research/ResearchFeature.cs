using System.Text;
using Surveys.Data.Audit;
using Surveys.Web.Security;

namespace Surveys.Intake.Research;

/// <summary>
/// The research export (admin only, audited): <c>GET /api/research/export?instrument=phq9&amp;format=csv</c> streams
/// one row per scored submission; <c>GET /api/research/dictionary?instrument=phq9</c> describes its columns. The staff
/// portal's research page downloads both through these endpoints.
/// </summary>
public static partial class ResearchFeature
{
    public static readonly string[] Formats = ["csv"];

    public static IHostApplicationBuilder AddResearch(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ExportStore>();
        builder.Services.AddSingleton<ResearchExport>();
        return builder;
    }

    public static IEndpointRouteBuilder MapResearch(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/research").WithTags("Research").RequireAuthorization(Roles.Admin);
        group.MapGet("/export", Export)
            .WithSummary("Research export: one CSV row per scored submission (pseudonymous id, days since index date, items, total, band). Streamed; audited.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/dictionary", Dictionary)
            .WithSummary("The export's data dictionary as CSV: each column, its type, meaning and allowed values.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Export(
        string? instrument, string? format, ResearchExport export, AuditLog audit, HttpContext context, ILogger<ResearchExport> logger, CancellationToken ct)
    {
        if (Check(instrument, export) is { } problem)
        {
            return problem;
        }

        format ??= "csv";
        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown format",
                detail: $"The export is written as one of: {string.Join(", ", Formats)}; '{format}' is not one of them.");
        }

        // Recorded before the first byte, so an export cut short still leaves a trace; the row count follows at the end.
        await audit.RecordAsync(context, "research_export_start", $"{instrument} {format}");
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{instrument}-export.csv\"";
        context.Response.Headers.CacheControl = "no-store";
        long rows;
        await using (var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), bufferSize: 64 * 1024))
        {
            rows = await export.WriteCsvAsync(instrument!, writer, ct);
        }

        await audit.RecordAsync(context, "research_export", $"{instrument} {format} rows={rows}");
        LogExported(logger, instrument!, rows);
        return TypedResults.Empty;
    }

    private static async Task<IResult> Dictionary(string? instrument, ResearchExport export, HttpContext context, CancellationToken ct)
    {
        if (Check(instrument, export) is { } problem)
        {
            return problem;
        }

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{instrument}-dictionary.csv\"";
        await using (var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false)))
        {
            await export.WriteDictionaryAsync(instrument!, writer, ct);
        }

        return TypedResults.Empty;
    }

    private static ProblemHttpResult? Check(string? instrument, ResearchExport export)
    {
        if (string.IsNullOrWhiteSpace(instrument))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Instrument required",
                detail: $"Say which instrument to export, e.g. ?instrument=phq9; one of: {string.Join(", ", export.InstrumentIds)}.");
        }

        return export.Versions(instrument).Count == 0
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown instrument",
                detail: $"No instrument has the id '{instrument}'. Use one of: {string.Join(", ", export.InstrumentIds)}.")
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Research export of {Instrument}: {Rows} rows")]
    private static partial void LogExported(ILogger logger, string instrument, long rows);
}
