using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Surveys.Hosting.Observability;

namespace Surveys.Hosting;

/// <summary>What one background loop last reported: when it last made progress, and its failures since.</summary>
public sealed record LoopState(string Name, TimeSpan StallAfter, DateTimeOffset LastProgress, int FailuresSince, string? LastFailure)
{
    public TimeSpan SinceProgress(DateTimeOffset now) => now - LastProgress;

    public bool Stalled(DateTimeOffset now) => SinceProgress(now) > StallAfter;
}

/// <summary>
/// The heartbeats of a service's background loops (outbox relay, scheduler, delivery). A loop registers when it
/// starts and reports progress: a pass finished, or for the outbox relay a publish confirmed or nothing left to
/// publish. A loop with no progress for longer than its stall threshold is <em>stalled</em>, whatever the cause (a
/// call that never returns, a broker that confirms nothing, a failure on every pass): readiness answers 503 (the
/// <c>background</c> check), the gauge <c>surveys.background.stalled</c> counts it, and <c>/ops</c> and
/// <c>surveys status</c> name it. Counts and plain names only.
/// </summary>
public sealed class Heartbeats
{
    public const string CheckName = "background";

    /// <summary>The data key Surveys.Operations.PipelineStatus reads: the stalled loops' names, comma-separated.</summary>
    public const string StalledKey = "stalled";

    private readonly ConcurrentDictionary<string, LoopState> _loops = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public Heartbeats(TimeProvider time, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _time = time;
        meters.Create(SurveysMetrics.MeterName).CreateObservableGauge(
            "surveys.background.stalled", () => Read().Count(loop => loop.Stalled(_time.GetUtcNow())), "{loop}",
            "Background loops (outbox relay, scheduler, delivery) with no progress for longer than their threshold.");
    }

    /// <summary>Starts watching a loop: it counts as having made progress now.</summary>
    public void Register(string name, TimeSpan stallAfter) =>
        _loops[name] = new LoopState(name, stallAfter, _time.GetUtcNow(), 0, null);

    /// <summary>The loop made progress. Returns the failures it had since its last progress (0 when none, or not watched).</summary>
    public int Progress(string name)
    {
        while (_loops.TryGetValue(name, out var state))
        {
            if (_loops.TryUpdate(name, state with { LastProgress = _time.GetUtcNow(), FailuresSince = 0, LastFailure = null }, state))
            {
                return state.FailuresSince;
            }
        }

        return 0;
    }

    /// <summary>
    /// An attempt or pass of the loop failed. Only the exception's type is kept (a message can hold personal data).
    /// </summary>
    public void Failed(string name, Exception? exception)
    {
        while (_loops.TryGetValue(name, out var state))
        {
            if (_loops.TryUpdate(name, state with { FailuresSince = state.FailuresSince + 1, LastFailure = exception?.GetType().Name ?? "unknown" }, state))
            {
                return;
            }
        }
    }

    public IReadOnlyList<LoopState> Read() => [.. _loops.Values.OrderBy(loop => loop.Name, StringComparer.Ordinal)];

    /// <summary>Readiness: Unhealthy (503) while any loop is stalled, naming it and how long it has made no progress.</summary>
    public sealed class HealthCheck(Heartbeats heartbeats, TimeProvider time) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var now = time.GetUtcNow();
            var loops = heartbeats.Read();
            var stalled = loops.Where(loop => loop.Stalled(now)).ToList();
            var data = new Dictionary<string, object>
            {
                [StalledKey] = string.Join(", ", stalled.Select(loop => loop.Name)),
                ["loops"] = loops.Count,
            };
            foreach (var loop in loops)
            {
                data[$"{loop.Name}: seconds since progress"] = Math.Round(loop.SinceProgress(now).TotalSeconds, 1);
            }

            if (stalled.Count == 0)
            {
                return Task.FromResult(HealthCheckResult.Healthy($"{loops.Count} background loop(s) making progress.", data));
            }

            var description = string.Join("; ", stalled.Select(loop => string.Create(CultureInfo.InvariantCulture,
                $"{loop.Name}: no progress for {loop.SinceProgress(now).TotalSeconds:F0} s (threshold {loop.StallAfter.TotalSeconds:F0} s){(loop.LastFailure is { } failure ? $", {loop.FailuresSince} failure(s), last {failure}" : string.Empty)}")));
            return Task.FromResult(HealthCheckResult.Unhealthy(description, data: data));
        }
    }
}

public static class HeartbeatsRegistration
{
    /// <summary>The heartbeat registry and its readiness check, once however many features ask for them.</summary>
    public static IServiceCollection AddHeartbeats(this IServiceCollection services)
    {
        if (services.Any(service => service.ServiceType == typeof(Heartbeats)))
        {
            return services;
        }

        services.AddSingleton<Heartbeats>();
        services.AddHealthChecks().AddCheck<Heartbeats.HealthCheck>(Heartbeats.CheckName, tags: ["ready"]);
        return services;
    }
}
