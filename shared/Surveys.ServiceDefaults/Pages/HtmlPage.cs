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

    /// <param name="script">One of the shared scripts to load (the pages work without it).</param>
    /// <param name="siteName">The name in the header (the patient pages show the clinic's); "Surveys" by default.</param>
    public static IResult Render(string title, string body, int statusCode = StatusCodes.Status200OK, string language = "en", string skipLink = "Skip to main content", string? script = null, bool wide = false, string? siteName = null)
    {
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"").Append(E(language)).Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append(script is null ? string.Empty : $"<script src=\"/assets/{E(script)}\" defer></script>")
            .Append("<title>").Append(E(title)).Append("</title>")
            .Append("<link rel=\"stylesheet\" href=\"").Append(StylesheetPath).Append("\"></head><body>")
            .Append("<a class=\"skip-link\" href=\"#main\">").Append(E(skipLink)).Append("</a>")
            .Append("<header class=\"site-header\"><span class=\"site-name\">").Append(E(siteName ?? "Surveys")).Append("</span></header>")
            .Append(wide ? "<main id=\"main\" class=\"page page--wide\">" : "<main id=\"main\" class=\"page\">").Append(body).Append("</main></body></html>")
            .ToString();
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    /// <summary>Serves the shared stylesheet and scripts to everyone (they hold nothing private).</summary>
    public static IEndpointRouteBuilder MapAssets(this IEndpointRouteBuilder app)
    {
        foreach (var (name, type) in new[] { ("site.css", "text/css; charset=utf-8"), ("live.js", "text/javascript; charset=utf-8") })
        {
            using var stream = typeof(HtmlPage).Assembly.GetManifestResourceStream($"assets/{name}")!;
            using var reader = new StreamReader(stream);
            var content = reader.ReadToEnd();
            app.MapGet($"/assets/{name}", () => Results.Text(content, type)).AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }
}
