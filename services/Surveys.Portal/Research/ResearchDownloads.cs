using Surveys.Portal.Apis;
using Surveys.Web.Security;

namespace Surveys.Portal.Research;

/// <summary>
/// The research files through the portal: each is streamed from intake's API (called as the signed-in admin, so intake's
/// role check and audit trail apply) to the browser with intake's content type and file name. A page cannot stream a
/// file, so these three are plain endpoints; a failure goes back to <c>/research</c> with a note.
/// </summary>
public static partial class ResearchDownloads
{
    public static IEndpointRouteBuilder MapResearchDownloads(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/research/files").RequireAuthorization(Roles.Admin).ExcludeFromDescription();
        files.MapGet("/export", (string? instrument, HttpContext context, IHttpClientFactory clients, ILogger<IntakeApi> logger) =>
            StreamAsync($"api/research/export?format=csv&instrument={Uri.EscapeDataString(instrument ?? "")}", "export", context, clients, logger));
        files.MapGet("/dictionary", (string? instrument, HttpContext context, IHttpClientFactory clients, ILogger<IntakeApi> logger) =>
            StreamAsync($"api/research/dictionary?instrument={Uri.EscapeDataString(instrument ?? "")}", "dictionary", context, clients, logger));
        files.MapGet("/outcomes-report", (string? protocol, HttpContext context, IHttpClientFactory clients, ILogger<IntakeApi> logger) =>
            StreamAsync($"api/outcomes/report?protocol={Uri.EscapeDataString(protocol ?? "")}", "outcomes-report", context, clients, logger));
        return app;
    }

    private static async Task<IResult> StreamAsync(string path, string file, HttpContext context, IHttpClientFactory clients, ILogger logger)
    {
        // The same client as IntakeApi's (its address, time limit and the signed-in person's bearer token), read as a stream.
        var http = clients.CreateClient(nameof(IntakeApi));
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            LogNotAnswering(logger, file);
            return Results.Redirect($"/research?failed={file}");
        }

        if (!response.IsSuccessStatusCode)
        {
            LogRefused(logger, file, (int)response.StatusCode);
            response.Dispose();
            return Results.Redirect($"/research?failed={file}");
        }

        context.Response.RegisterForDispose(response);
        var headers = response.Content.Headers;
        return Results.Stream(
            await response.Content.ReadAsStreamAsync(context.RequestAborted),
            headers.ContentType?.ToString() ?? "application/octet-stream",
            headers.ContentDisposition?.FileNameStar ?? headers.ContentDisposition?.FileName?.Trim('"') ?? file);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The research file {File} could not be fetched: intake did not answer")]
    private static partial void LogNotAnswering(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The research file {File} could not be fetched: intake answered {Status}")]
    private static partial void LogRefused(ILogger logger, string file, int status);
}
