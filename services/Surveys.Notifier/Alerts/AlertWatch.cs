using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Surveys.Notifier.Delivery;
using Surveys.Hosting.Observability;

namespace Surveys.Notifier.Alerts;

/// <summary>
/// Shows operators the urgent alerts that escalation could not get acknowledged: still open after every contact level
/// was told and the last level's time ran out (they are sent to the last level again meanwhile). In readiness as the
/// <c>alerts</c> check's data (read by <c>surveys status</c> and <c>/ops</c>; the check stays Healthy, since the
/// service is fine and a person, not a restart, is needed) and as the gauge
/// <c>surveys.alerts.unacknowledged_past_last_level</c>. Counts only.
/// </summary>
public sealed class AlertWatch : IHealthCheck, IHostedService
{
    public const string CheckName = "alerts";

    /// <summary>The data key Surveys.Operations.PipelineStatus reads.</summary>
    public const string PastLastLevelKey = "unacknowledgedPastLastLevel";

    private readonly AlertDeliveryStore _store;

    public AlertWatch(IMeterFactory meters, AlertDeliveryStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        var pastLastLevel = new GaugeReading<long>(async () => (await store.PastLastLevelAsync(CancellationToken.None)).Count, time, 0);
        meters.Create(SurveysMetrics.MeterName).CreateObservableGauge(
            "surveys.alerts.unacknowledged_past_last_level", () => pastLastLevel.Value, "{alert}",
            "Urgent alerts still not acknowledged after every escalation level was told: a person is needed.");
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (count, since) = await _store.PastLastLevelAsync(cancellationToken);
        var description = count == 0
            ? "No urgent alert is waiting past the last escalation level."
            : string.Create(CultureInfo.InvariantCulture, $"{count} urgent alert(s) not acknowledged after every escalation level was told, the first since {since:yyyy-MM-dd HH:mm} UTC: a person is needed.");
        return HealthCheckResult.Healthy(description, new Dictionary<string, object> { [PastLastLevelKey] = count });
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class AlertWatchRegistration
{
    /// <summary>Registers <see cref="AlertWatch"/> (needs alert delivery) as a readiness check and a started service, so the gauge exists.</summary>
    public static IHostApplicationBuilder AddAlertWatch(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<AlertWatch>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AlertWatch>());
        builder.Services.AddHealthChecks().AddCheck<AlertWatch>(AlertWatch.CheckName, tags: ["ready"]);
        return builder;
    }
}
