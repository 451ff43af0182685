using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using Surveys.Operations;
using Surveys.Portal.Apis;
using Surveys.Hosting;
using Surveys.Hosting.Messaging;

namespace Surveys.Portal.Pipeline;

/// <summary>
/// The operator's pages' access to the pipeline: every service's readiness (the portal's own included) and the broker's
/// management API and AMQP, with the <c>RabbitMq__*</c> settings the services use (the portal runs no bus of its own).
/// Replays and purges are <see cref="FailedMessages"/>'s, the code <c>surveys errors</c> runs, audited in intake's
/// trail under the signed-in operator's name.
/// </summary>
public sealed class OperatorWork(IHttpClientFactory clients, BrokerSettings broker, IOptions<PortalOptions> portal, IServer server, IntakeApi intake)
{
    public const string BrokerClient = "broker-management";

    public const string HealthClient = "service-health";

    /// <summary>What the console calls itself in the broker's connection list, and what the portal does.</summary>
    public const string ReplayClientName = "surveys portal replay";

    public string VirtualHost => broker.VirtualHost;

    /// <summary>Every service's readiness and outbox, every queue's depth and consumers: what <c>surveys status</c> shows.</summary>
    public async Task<PipelineStatus> StatusAsync(CancellationToken ct)
    {
        var options = portal.Value;
        var self = ListeningAddress.Of(server) ?? new Uri("http://127.0.0.1:5104");
        using var management = clients.CreateClient(BrokerClient);
        return await PipelineStatus.ReadAsync(
            clients.CreateClient(HealthClient),
            [("intake", options.IntakeUrl.ToString()), ("scoring", options.ScoringUrl.ToString()), ("notifier", options.NotifierUrl.ToString()), ("portal", self.ToString())],
            management, broker.VirtualHost, ct);
    }

    /// <summary>The failed messages' one implementation, on the portal's broker client.</summary>
    public FailedMessages FailedMessages() => new(broker, clients.CreateClient(BrokerClient));

    /// <summary>
    /// Records a replay or purge in intake's audit trail as the operator (the same entry the console writes);
    /// <see cref="AuditProblem"/> says why not when it could not, and then nothing is done.
    /// </summary>
    public async Task<bool> AuditAsync(string action, string target, string outcome, CancellationToken ct)
    {
        var result = await intake.PostAsync<object>("/api/audit/console", new { action, target, outcome }, ct);
        AuditProblem ??= result.Problem;
        return result.Succeeded;
    }

    public ApiProblem? AuditProblem { get; private set; }
}

public static class OperatorWorkRegistration
{
    public static IHostApplicationBuilder AddOperatorWork(this IHostApplicationBuilder builder)
    {
        var rabbit = builder.Configuration.GetSection(RabbitMqOptions.Section);
        var broker = BrokerSettings.FromSettings(key => rabbit[key]);
        builder.Services.AddSingleton(broker);
        builder.Services.AddHttpClient(OperatorWork.BrokerClient, http =>
        {
            broker.ConfigureManagement(http);
            http.Timeout = TimeSpan.FromSeconds(10);
        });
        builder.Services.AddHttpClient(OperatorWork.HealthClient, http => http.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.AddScoped<OperatorWork>();
        return builder;
    }
}
