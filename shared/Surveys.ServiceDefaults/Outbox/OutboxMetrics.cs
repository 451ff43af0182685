using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Surveys.ServiceDefaults.Observability;

namespace Surveys.ServiceDefaults.Outbox;

/// <summary>
/// Observable gauges over the outbox table (surveys.outbox.pending, .oldest_age, .unpublishable), read at most
/// every <see cref="CacheFor"/> however often metrics are scraped. Started with the host so the gauges exist.
/// </summary>
public sealed class OutboxMetrics : IHostedService
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly OutboxHealthCheck _outbox;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private OutboxBacklog _last = new(0, null, 0);
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public OutboxMetrics(IMeterFactory meters, OutboxHealthCheck outbox, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _outbox = outbox;
        _time = time;
        var meter = meters.Create(SurveysMetrics.MeterName);
        meter.CreateObservableGauge("surveys.outbox.pending", () => Read().Pending, "{message}", "Outbox rows waiting to be published.");
        meter.CreateObservableGauge("surveys.outbox.oldest_age", () => Read().OldestAge?.TotalSeconds ?? 0, "s", "Age of the oldest outbox row waiting to be published (0 when none).");
        meter.CreateObservableGauge("surveys.outbox.unpublishable", () => Read().Stuck, "{message}", "Outbox rows that cannot be published by this build (left for an operator).");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private OutboxBacklog Read()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (now - _readAt >= CacheFor)
            {
                try
                {
                    // Gauge callbacks are synchronous; the read is one indexed query on a local file.
                    _last = _outbox.ReadAsync().GetAwaiter().GetResult();
                    _readAt = now;
                }
                catch (System.Data.Common.DbException)
                {
                    // Keep the last value; readiness reports the store.
                }
            }

            return _last;
        }
    }
}
