using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Surveys.Hosting.Observability;
using Surveys.Web.Security;

namespace Surveys.Hosting;

/// <summary>What every Surveys web host has: problem details, OpenAPI, health, logging, a clock.</summary>
public static class ServiceDefaults
{
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHeartbeats();
        builder.AddSurveysTelemetry(); // metrics on /metrics, traces (OTLP when Telemetry:OtlpEndpoint is set)
        builder.AddForwardedHeaders(); // client address and scheme from trusted reverse proxies only (ForwardedHeaders section)
        builder.AddStaffAuth();
        builder.AddRateLimits();
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = StaffAuth.CookieName(builder.Environment.ApplicationName) + ".antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure whenever the client's scheme is https (forwarded headers)
            antiforgery.FormFieldName = "__csrf";
        });

        // Small bodies only (a submission is well under 64 KB), and JSON that names only known fields.
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
        });
        // Numbers (answers, thresholds) are read only when exactly representable: 1e-400 is refused, not read as 0.
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.SerializerOptions.Converters.Add(new ExactDecimalConverter());
        });

        // A request the server refuses while it is read (a body over the limit, one cut short) keeps its 4xx status when it
        // reaches the exception handler, as problem details: no request may produce a 5xx.
        builder.Services.Configure<ExceptionHandlerOptions>(handler =>
            handler.StatusCodeSelector = exception => exception is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);

        // Bad input is a 400 with problem details in every environment (Development would otherwise throw, and answer 500).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = false);

        // Structured logs (with the trace id of each request) in every environment: infra/run.sh runs in Development and
        // its logs read like production's. They never carry names, answers, tokens or passwords; a patient's link in a
        // path, a scope (ASP.NET Core's RequestPath), a message or an exception is written as /s/[link] (LinkRedaction).
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            json.UseUtcTimestamp = true;
        });
        RedactingLoggerProvider.WrapAll(builder.Logging); // last: wraps every provider added above

        return builder;
    }

    /// <summary>
    /// Problem details for every error, the OpenAPI document at /openapi/v1.json, liveness at
    /// /health/live and readiness at /health/ready (503 unless every check is Healthy: MassTransit
    /// reports Degraded when the broker goes away, which must not read as ready).
    /// </summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseTrustedForwardedHeaders(); // first: rate limits, audit, lockout, cookies and HSTS see the client, not the proxy
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseHealthMethods();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts(); // sent on HTTPS responses only
        }

        app.UseRelayedClientAddress(); // a person's address, relayed by the portal's sign-in, on intake's token route (docs/security.md)
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseSessionRevalidation(); // sessions of disabled or changed accounts end here (docs/security.md)
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapOpenApi().RequireAuthorization(Roles.AnyStaff);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteHealthAsync,
        }).AllowAnonymous();
        app.MapSurveysMetrics(); // operators, or a scraper with Metrics:ScrapeToken: see docs/operations.md
        return app;
    }

    /// <summary>/health/* answers GET and HEAD only; any other method (TRACE, POST, …) gets 405 with Allow, before sign-in is asked for.</summary>
    private static void UseHealthMethods(this WebApplication app) =>
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
                && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method),
            refuse => refuse.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "GET, HEAD";
                return Task.CompletedTask;
            }));

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
