using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Surveys.ServiceDefaults.Pages;

/// <summary>
/// Server-rendered pages: one accessible layout, text always HTML-encoded (<see cref="E"/>), one
/// stylesheet, no script. Pages work without JavaScript on any phone.
/// </summary>
public static class HtmlPage
{
    public const string StylesheetPath = "/assets/site.css";

    /// <summary>Encodes text for HTML: everything that is not markup written here goes through it.</summary>
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    public static IResult Render(string title, string body, int statusCode = StatusCodes.Status200OK, string language = "en", string skipLink = "Skip to main content")
    {
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"").Append(E(language)).Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append("</title>")
            .Append("<link rel=\"stylesheet\" href=\"").Append(StylesheetPath).Append("\"></head><body>")
            .Append("<a class=\"skip-link\" href=\"#main\">").Append(E(skipLink)).Append("</a>")
            .Append("<header class=\"site-header\"><span class=\"site-name\">Surveys</span></header>")
            .Append("<main id=\"main\" class=\"page\">").Append(body).Append("</main></body></html>")
            .ToString();
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    /// <summary>Serves the shared stylesheet to everyone (it holds nothing private).</summary>
    public static IEndpointRouteBuilder MapStylesheet(this IEndpointRouteBuilder app)
    {
        using var stream = typeof(HtmlPage).Assembly.GetManifestResourceStream("assets/site.css")!;
        using var reader = new StreamReader(stream);
        var css = reader.ReadToEnd();
        app.MapGet(StylesheetPath, () => Results.Text(css, "text/css; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
