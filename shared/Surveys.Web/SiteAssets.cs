using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Surveys.Web;

/// <summary>
/// The one stylesheet (and the one optional script) every page shares, served to everyone: they hold nothing private.
/// Pages themselves are Razor components (the portal's, intake's patient pages, the outcomes report).
/// </summary>
public static class SiteAssets
{
    public const string StylesheetPath = "/assets/site.css";

    /// <summary>The stylesheet's text (the outcomes report carries it inline, to be one self-contained file).</summary>
    public static string Stylesheet() => Read("site.css");

    public static IEndpointRouteBuilder MapAssets(this IEndpointRouteBuilder app)
    {
        foreach (var (name, type) in new[] { ("site.css", "text/css; charset=utf-8"), ("live.js", "text/javascript; charset=utf-8") })
        {
            var content = Read(name);
            app.MapGet($"/assets/{name}", () => Results.Text(content, type)).AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }

    private static string Read(string name)
    {
        using var stream = typeof(SiteAssets).Assembly.GetManifestResourceStream($"assets/{name}")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
