using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Surveys.Web.Security;

/// <summary>
/// Headers on every response: no sniffing, no framing, a Content-Security-Policy without inline
/// script, no referrer (tokens live in link paths), and no caching (answers and health data must not
/// stay on a shared computer).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        await next(context);
    });
}
