using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Surveys.Web.Security;

namespace Surveys.Hosting.Observability;

/// <summary>
/// OpenTelemetry for every service: the "Surveys" and "MassTransit" meters, ASP.NET Core, HttpClient and runtime
/// metrics on a Prometheus endpoint (/metrics); traces from ASP.NET Core, HttpClient, MassTransit and the outbox
/// relay, exported over OTLP only when Telemetry:OtlpEndpoint is set.
/// </summary>
public static class ObservabilityRegistration
{
    public const string MetricsPath = "/metrics";

    public static IHostApplicationBuilder AddSurveysTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddConsumeObserver<ConsumeFaultObserver>();
        builder.Services.AddConsumeObserver<ConsumeTraceObserver>();

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddMeter(SurveysMetrics.MeterName, "MassTransit")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(OutboxTracing.SourceName, "MassTransit")
                .AddAspNetCoreInstrumentation(aspnet =>
                {
                    aspnet.Filter = context =>
                        !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal)
                        && !context.Request.Path.StartsWithSegments(MetricsPath, StringComparison.Ordinal);

                    // A patient's link token never reaches a trace: the path is written as /s/[link]/… (the route, http.route, is
                    // already the template /s/{token}/…).
                    aspnet.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (LinkRedaction.MayHoldLink(request.Path.Value))
                        {
                            activity.SetTag("url.path", LinkRedaction.Redact(request.Path.Value!));
                        }
                    };
                })
                .AddHttpClientInstrumentation());

        if (builder.Configuration["Telemetry:OtlpEndpoint"] is { Length: > 0 } endpoint)
        {
            var protocol = string.Equals(builder.Configuration["Telemetry:OtlpProtocol"], "http/protobuf", StringComparison.OrdinalIgnoreCase)
                ? OtlpExportProtocol.HttpProtobuf
                : OtlpExportProtocol.Grpc;
            telemetry.UseOtlpExporter(protocol, new Uri(endpoint));
        }

        return builder;
    }

    /// <summary>
    /// /metrics in Prometheus text format, for a signed-in operator (bearer token) or for a scraper that sends the configured
    /// scrape token (<c>Metrics:ScrapeToken</c>) as <c>Authorization: Bearer</c>. Nothing else: no address is trusted, loopback
    /// included (a reverse proxy on the same host would otherwise expose it). Everything else gets 401/403.
    /// </summary>
    public static WebApplication MapSurveysMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var scrapeToken = app.Configuration["Metrics:ScrapeToken"];
        if (scrapeToken is { Length: > 0 and < 32 })
        {
            throw new InvalidOperationException("Metrics:ScrapeToken is shorter than 32 characters. Set Metrics__ScrapeToken to a long random secret (openssl rand -hex 32), or leave it unset.");
        }

        var expected = scrapeToken is { Length: > 0 } ? SHA256.HashData(Encoding.UTF8.GetBytes(scrapeToken)) : null;
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(policy => policy.RequireAssertion(context =>
            context.User.IsInRole(Roles.Operator)
            || (expected is not null && context.Resource is HttpContext http && SendsToken(http, expected))));
        return app;
    }

    /// <summary>Whether the request's bearer credential is the scrape token: hashes compared in constant time.</summary>
    private static bool SendsToken(HttpContext http, byte[] expected)
    {
        const string Bearer = "Bearer ";
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim())), expected);
    }
}
