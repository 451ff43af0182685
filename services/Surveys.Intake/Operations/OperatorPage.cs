using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using Surveys.Operations;
using Surveys.ServiceDefaults.Hosting;
using Surveys.ServiceDefaults.Messaging;
using Surveys.ServiceDefaults.Security;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.Intake.Operations;

/// <summary>Where the operator page finds the other services (configuration section <c>Operations</c>).</summary>
public sealed class OperationsOptions
{
    public const string Section = "Operations";

    /// <summary>
    /// Intake itself, for its own readiness (<c>Operations__IntakeUrl</c>); when unset, the address intake listens on.
    /// Never the request's Host header: that is the client's to choose, so reading it would let a client make intake
    /// fetch any address.
    /// </summary>
    public Uri? IntakeUrl { get; set; }

    public Uri ScoringUrl { get; set; } = new("http://127.0.0.1:5102");

    public Uri NotifierUrl { get; set; } = new("http://127.0.0.1:5103");
}

/// <summary>
/// <c>/ops</c> (operator role): the same status as <c>surveys status</c> — every service's readiness and
/// outbox, every queue's depth, consumers and rates — marked where a person is needed, kept current by
/// itself. No patient data.
/// </summary>
public static class OperatorPage
{
    public const string ClientName = "operations";

    public static IHostApplicationBuilder AddOperatorPage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OperationsOptions>().BindConfiguration(OperationsOptions.Section);
        builder.Services.AddHttpClient(ClientName, http => http.Timeout = TimeSpan.FromSeconds(5));
        return builder;
    }

    public static IEndpointRouteBuilder MapOperatorPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ops", Show).RequireAuthorization(Roles.Operator).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Show(
        IHttpClientFactory clients, IOptions<OperationsOptions> options, IServer server, IConfiguration configuration, CancellationToken ct)
    {
        var rabbit = configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>() ?? new RabbitMqOptions();
        var self = Self(options.Value, server).ToString();
        var http = clients.CreateClient(ClientName);
        using var management = clients.CreateClient(ClientName);
        management.BaseAddress = rabbit.ManagementUrl;
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rabbit.Username}:{rabbit.Password}")));
        var status = await PipelineStatus.ReadAsync(
            http, [("intake", self), ("scoring", options.Value.ScoringUrl.ToString()), ("notifier", options.Value.NotifierUrl.ToString())], management, rabbit.VirtualHost, ct);

        var body = await ComponentHtml.RenderAsync<PipelineStatusView>(new() { [nameof(PipelineStatusView.Status)] = status });
        return Render("Pipeline status", body, script: "live.js", wide: true);
    }

    /// <summary>
    /// Where intake reads its own readiness: <see cref="OperationsOptions.IntakeUrl"/>, else the first address the
    /// server listens on (<see cref="ListeningAddress"/>), else the default port.
    /// </summary>
    public static Uri Self(OperationsOptions options, IServer server)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.IntakeUrl ?? ListeningAddress.Of(server) ?? new Uri("http://127.0.0.1:5101");
    }
}
