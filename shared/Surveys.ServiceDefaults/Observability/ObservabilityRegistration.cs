using System.Net;
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
using Surveys.ServiceDefaults.Security;

namespace Surveys.ServiceDefaults.Observability;

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
    /// /metrics in Prometheus text format, for a signed-in operator or for anyone on the loopback interface
    /// (a Prometheus or an agent on the same host). Everything else gets 401/403.
    /// </summary>
    public static WebApplication MapSurveysMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(policy => policy.RequireAssertion(context =>
            context.User.IsInRole(Roles.Operator)
            || (context.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address))));
        return app;
    }
}
