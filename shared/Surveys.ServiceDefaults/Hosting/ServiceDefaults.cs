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
using Surveys.ServiceDefaults.Observability;
using Surveys.ServiceDefaults.Security;

namespace Surveys.ServiceDefaults.Hosting;

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
        builder.AddStaffAuth();
        builder.AddRateLimits();
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "surveys.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.FormFieldName = "__csrf";
        });

        // Small bodies only (a submission is well under 64 KB), and JSON that names only known fields.
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
        });
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow);

        // Bad input is a 400 with problem details in every environment (Development would otherwise throw, and answer 500).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = false);

        // Structured logs (with the trace id of each request) in every environment: infra/run.sh runs in Development and
        // its logs read like production's. They never carry names, answers, tokens or passwords.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            json.UseUtcTimestamp = true;
        });

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
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts(); // sent on HTTPS responses only
        }

        app.UseRelayedClientAddress(); // a nurse's address, from the notifier's sign-in, on intake's token route (docs/security.md)
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
        app.MapSurveysMetrics(); // operators, or anyone on loopback: see docs/operations.md
        return app;
    }

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
