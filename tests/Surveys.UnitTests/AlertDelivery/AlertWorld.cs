using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Surveys.Contracts;
using Surveys.Notifier.Alerts;
using Surveys.Notifier.Delivery;
using Surveys.Notifier.Scores;
using Surveys.Data;
using Surveys.Instruments;
using Surveys.Data.Outbox;
using Surveys.Delivery;
using Surveys.UnitTests.Data;

namespace Surveys.UnitTests.AlertDelivery;

/// <summary>
/// The notifier's alert pieces in a real host (its SQLite file in a temporary folder or a fresh PostgreSQL database,
/// migrations, the delivery loop) on a fake clock. <see cref="RestartAsync"/> stops the host and starts a new one on
/// the same database, like a new process.
/// </summary>
internal sealed class AlertWorld : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _configuration;
    private readonly TestStorage _storage;
    private IHost? _host;

    public AlertWorld(DateTimeOffset start, Dictionary<string, string?> configuration, StorageEngine engine = StorageEngine.Sqlite)
    {
        _storage = TestStorage.Create(engine);
        Directory = _storage.Directory;
        Time = new FakeTimeProvider(start);
        _configuration = new Dictionary<string, string?>(configuration, StringComparer.Ordinal)
        {
            ["Storage:DataDirectory"] = Directory,
            ["Storage:Engine"] = engine.ToString(),
            ["Storage:ConnectionString"] = _storage.ConnectionString,
            ["Storage:Synchronous"] = "OFF",
            ["Alerting:PollInterval"] = "00:00:00.050",
            ["Notifier:PortalUrl"] = "https://staff.clinic.example/",
        };
    }

    public string Directory { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>The clock of webhook retries and circuit breakers: real time that a test can move on (<see cref="SkippingClock.Skip"/>).</summary>
    public SkippingClock NetworkTime { get; } = new();

    public IServiceProvider Services => (_host ?? throw new InvalidOperationException("Start the world first.")).Services;

    public AlertStore Store => Services.GetRequiredService<AlertStore>();

    public ScoreHistoryStore History => Services.GetRequiredService<ScoreHistoryStore>();

    public AlertDeliveryProcessor Processor => Services.GetRequiredService<AlertDeliveryProcessor>();

    public async Task<AlertWorld> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "Surveys.Notifier", EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(_configuration);
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.AddStore("notifier.db", typeof(AlertStore).Assembly);
        builder.AddOutbox();
        builder.AddInstruments();
        builder.Services.AddSingleton<AlertStore>();
        builder.Services.AddSingleton<ScoreHistoryStore>();
        builder.Services.AddSingleton<AlertRules>();
        builder.Services.AddSingleton(new NetworkClock(NetworkTime));
        builder.AddAlertDelivery();
        builder.AddAlertWatch();
        builder.Services.AddMassTransitTestHarness(_ => { });
        _host = builder.Build();
        await _host.StartAsync();
        return this;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>A PHQ-9 with item 9 answered: the critical-item rule raises an urgent alert.</summary>
    public Task<(Guid PatientId, Guid AlertId)> RaiseUrgentAsync() => RaiseAsync(4, ["self_harm_risk"]);

    /// <summary>A PHQ-9 total in the severe range: a high alert.</summary>
    public Task<(Guid PatientId, Guid AlertId)> RaiseHighAsync() => RaiseAsync(22, []);

    /// <summary>Two scheduled surveys in a row missed: a routine alert.</summary>
    public async Task<(Guid PatientId, Guid AlertId)> RaiseRoutineAsync()
    {
        var patient = Guid.NewGuid();
        var now = Time.GetUtcNow();
        await History.RecordMissedAsync(new InvitationExpired(Guid.NewGuid(), patient, "phq9", "1.0.0", now.AddDays(-14), now.AddDays(-7)), CancellationToken.None);
        await History.RecordMissedAsync(new InvitationExpired(Guid.NewGuid(), patient, "gad7", "1.0.0", now.AddDays(-7), now), CancellationToken.None);
        return (patient, await AlertOfAsync(patient));
    }

    private async Task<(Guid PatientId, Guid AlertId)> RaiseAsync(decimal total, string[] flags)
    {
        var patient = Guid.NewGuid();
        await RecordPhq9Async(patient, total, flags, item9: 2);
        return (patient, await AlertOfAsync(patient));
    }

    /// <summary>Records a PHQ-9 of the patient submitted now, with item 9 answered <paramref name="item9"/> and the others 3.</summary>
    public async Task RecordPhq9Async(Guid patient, decimal total, string[] flags, decimal item9)
    {
        var now = Time.GetUtcNow();
        var answers = Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => (decimal?)(i == 9 ? item9 : 3));
        var scored = new SurveyScored(
            Guid.NewGuid(), patient, "phq9", "1.0.0", "scored", total, total >= 20 ? "severe" : "minimal", false, flags,
            new Dictionary<string, decimal>(), new Dictionary<string, decimal>(), now, now, answers);
        await History.RecordScoreAsync(scored, Services.GetRequiredService<AlertRules>(), CancellationToken.None);
    }

    private async Task<Guid> AlertOfAsync(Guid patient) =>
        (await Store.FindAlertsAsync(patient, null, CancellationToken.None)).Single().Id;

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = await Services.GetRequiredService<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Services.GetRequiredService<Db>().OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    /// <summary>Waits (real time) until the query counts at least <paramref name="expected"/>; returns the last count.</summary>
    public async Task<long> WaitForCountAsync(string sql, long expected, object? parameters = null)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        long count;
        while ((count = await CountAsync(sql, parameters)) < expected && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }

        return count;
    }

    /// <summary>
    /// Waits until <paramref name="expected"/> messages are marked sent. A receiver has a message a moment before the
    /// row is marked; moving the fake clock past the lease in between would let the loop send it again.
    /// </summary>
    public Task<long> WaitForSentAsync(long expected) =>
        WaitForCountAsync("SELECT COUNT(*) FROM delivery_messages WHERE sent_at IS NOT NULL", expected);

    /// <summary>
    /// Lets the background loop finish two more passes (it is woken, and waited on, not slept for) and runs a pass here
    /// too, so anything extra would show.
    /// </summary>
    public async Task SettleAsync()
    {
        await Processor.RunOnceAsync(CancellationToken.None);
        var loop = Services.GetServices<IHostedService>().OfType<AlertDeliveryLoop>().Single();
        var target = loop.Passes + 2; // one may be running already: the second starts after this point
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (loop.Passes < target)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(until), "the delivery loop stopped running passes");
            Services.GetRequiredService<AlertDeliverySignal>().Notify();
            await Task.Delay(5);
        }

        await Processor.RunOnceAsync(CancellationToken.None);
    }

    private async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
            _host = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _storage.Dispose();
    }
}

/// <summary>The system clock, moved on by <see cref="Skip"/>: timers run in real time, "now" jumps (a circuit breaker's break ends at once).</summary>
internal sealed class SkippingClock : TimeProvider
{
    private long _offsetTicks;

    public void Skip(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    private TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public override long GetTimestamp() => System.GetTimestamp() + (long)(Offset.TotalSeconds * System.TimestampFrequency);

    public override long TimestampFrequency => System.TimestampFrequency;
}
