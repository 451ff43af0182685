using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Surveys.Hosting.Observability;

namespace Surveys.Data.Outbox;

/// <summary>
/// Observable gauges over the outbox table (surveys.outbox.pending, .oldest_age, .unpublishable), read at most
/// every <see cref="GaugeReading{T}.CacheFor"/> however often metrics are scraped. Started with the host so the gauges exist.
/// </summary>
public sealed class OutboxMetrics : IHostedService
{
    public OutboxMetrics(IMeterFactory meters, OutboxHealthCheck outbox, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(outbox);
        var backlog = new GaugeReading<OutboxBacklog>(() => outbox.ReadAsync(), time, new OutboxBacklog(0, null, 0));
        var meter = meters.Create(SurveysMetrics.MeterName);
        meter.CreateObservableGauge("surveys.outbox.pending", () => backlog.Value.Pending, "{message}", "Outbox rows waiting to be published.");
        meter.CreateObservableGauge("surveys.outbox.oldest_age", () => backlog.Value.OldestAge?.TotalSeconds ?? 0, "s", "Age of the oldest outbox row waiting to be published (0 when none).");
        meter.CreateObservableGauge("surveys.outbox.unpublishable", () => backlog.Value.Stuck, "{message}", "Outbox rows that cannot be published by this build (left for an operator).");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
