using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        return new PageResult(html, statusCode);
    }

    /// <summary>The banner every page carries in Development (infra/run.sh), where no message leaves the machine.</summary>
    public const string DevelopmentBanner =
        "<div class=\"phase-banner\" role=\"region\" aria-label=\"Development mode\" lang=\"en\"><p><strong>Development: messages are not sent.</strong> " +
        "Invitations and alerts go to the development outboxes (/dev/outbox, /dev/alert-outbox), not to patients or staff.</p></div>";

    /// <summary>
    /// A rendered page; in Development the banner is put under the site header when the page is sent (the environment
    /// is the host's, read from the request's services, so pages need not pass it).
    /// </summary>
    private sealed class PageResult(string html, int statusCode) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var page = html;
            if (httpContext.RequestServices.GetService<IHostEnvironment>()?.IsDevelopment() == true)
            {
                var at = page.IndexOf("</header>", StringComparison.Ordinal);
                page = at < 0 ? page : page.Insert(at + "</header>".Length, DevelopmentBanner);
            }

            return Results.Content(page, "text/html; charset=utf-8", Encoding.UTF8, statusCode).ExecuteAsync(httpContext);
        }
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
