using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Surveys.Hosting;

namespace Surveys.UnitTests.Hosting;

/// <summary>
/// Issue 19: a background loop (scheduler, invitation delivery, alert delivery) must survive any failure of a pass,
/// say in its log when it works again, and be reported stalled (readiness 503) when no pass finishes for longer than
/// its threshold, whatever holds it.
/// </summary>
public class BackgroundLoopTests
{
    /// <summary>A loop whose passes do what the test says.</summary>
    private sealed class TestLoop(Func<int, CancellationToken, Task> pass, Heartbeats heartbeats, TimeProvider time, ILogger logger, TimeSpan interval)
        : PollingLoop(null, heartbeats, time, logger)
    {
        private int _passes;

        public int Passes => Volatile.Read(ref _passes);

        protected override string Name => "test loop";

        protected override TimeSpan PollInterval => interval;

        protected override async Task RunOnceAsync(CancellationToken cancellationToken) =>
            await pass(Interlocked.Increment(ref _passes), cancellationToken);
    }

    private sealed class Meters : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(meter => meter.Dispose());
    }

    private static async Task<HealthCheckResult> CheckAsync(Heartbeats heartbeats, TimeProvider time) =>
        await new Heartbeats.HealthCheck(heartbeats, time).CheckHealthAsync(new HealthCheckContext());

    [Test]
    public async Task A_pass_that_throws_any_exception_does_not_stop_the_loop_and_the_loop_says_when_it_works_again()
    {
        using var meters = new Meters();
        var heartbeats = new Heartbeats(TimeProvider.System, meters);
        var logger = new FakeLogger();
        using var loop = new TestLoop(
            (pass, _) => pass <= 2 ? throw new InvalidOperationException("not a store error") : Task.CompletedTask,
            heartbeats, TimeProvider.System, logger, TimeSpan.FromMilliseconds(10));

        await loop.StartAsync(CancellationToken.None);
        var passes = await Eventually.ReadAsync(() => Task.FromResult(loop.Passes), n => n >= 4);
        await loop.StopAsync(CancellationToken.None);

        var log = logger.Collector.GetSnapshot().Select(record => record.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(passes, Is.GreaterThanOrEqualTo(4), "the loop went on after two failed passes");
            Assert.That(log.Count(line => line.Contains("pass failed (InvalidOperationException)", StringComparison.Ordinal)), Is.EqualTo(2));
            Assert.That(log, Has.One.Contains("test loop: resumed after 2 failed pass(es)"));
            Assert.That(log, Has.None.Contains("not a store error"), "only the exception's type is logged");
            Assert.That(heartbeats.Read().Single().FailuresSince, Is.Zero);
        });
    }

    [Test]
    public async Task A_pass_that_never_finishes_is_reported_stalled_after_the_threshold_and_recovers_when_it_ends()
    {
        using var meters = new Meters();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var heartbeats = new Heartbeats(time, meters);
        var release = new TaskCompletionSource();
        var interval = TimeSpan.FromMinutes(1);
        using var loop = new TestLoop(
            async (pass, token) =>
            {
                if (pass == 1)
                {
                    await release.Task.WaitAsync(token); // an external call with no time limit that never answers
                }
            },
            heartbeats, time, new FakeLogger(), interval);

        await loop.StartAsync(CancellationToken.None);
        await Eventually.ReadAsync(() => Task.FromResult(loop.Passes), n => n == 1);

        time.Advance(TimeSpan.FromMinutes(3)); // the threshold: three intervals
        Assert.That((await CheckAsync(heartbeats, time)).Status, Is.EqualTo(HealthStatus.Healthy), "not stalled at the threshold itself");
        time.Advance(TimeSpan.FromSeconds(1));
        var stalled = await CheckAsync(heartbeats, time);
        Assert.Multiple(() =>
        {
            Assert.That(stalled.Status, Is.EqualTo(HealthStatus.Unhealthy), "readiness fails while the loop is stalled");
            Assert.That(stalled.Description, Does.StartWith("test loop: no progress for 181 s (threshold 180 s)"));
            Assert.That(stalled.Data[Heartbeats.StalledKey], Is.EqualTo("test loop"));
        });

        release.SetResult();
        var recovered = await Eventually.ReadAsync(() => CheckAsync(heartbeats, time), result => result.Status == HealthStatus.Healthy);
        await loop.StopAsync(CancellationToken.None);
        Assert.That(recovered.Status, Is.EqualTo(HealthStatus.Healthy), "progress again clears the stall");
    }

    [Test]
    public async Task A_loop_that_fails_every_pass_is_reported_stalled_with_its_failures()
    {
        using var meters = new Meters();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var heartbeats = new Heartbeats(time, meters);
        using var loop = new TestLoop((_, _) => throw new TimeoutException(), heartbeats, time, new FakeLogger(), TimeSpan.FromSeconds(30));

        await loop.StartAsync(CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            var before = loop.Passes;
            await Eventually.ReadAsync(() => Task.FromResult(loop.Passes), n => n > before);
            time.Advance(TimeSpan.FromSeconds(30));
        }

        await Eventually.ReadAsync(() => Task.FromResult(loop.Passes), n => n >= 5);
        var result = await CheckAsync(heartbeats, time);
        await loop.StopAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy), "2 minutes (the least threshold) of failed passes is a stall");
            Assert.That(result.Description, Does.Contain("failure(s), last TimeoutException"));
        });
    }
}
