using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surveys.Data;
using Surveys.Data.Outbox;
using Surveys.UnitTests.Data;

namespace Surveys.UnitTests;

/// <summary>
/// A service's consumers on MassTransit's in-memory test harness, with the service's real store (a SQLite file
/// in a temporary folder, or a fresh PostgreSQL database), migrations and outbox relay.
/// </summary>
internal sealed class HarnessHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TestStorage _storage;

    private HarnessHost(IHost host, TestStorage storage)
    {
        _host = host;
        _storage = storage;
    }

    public ITestHarness Harness => _host.Services.GetTestHarness();

    public IServiceProvider Services => _host.Services;

    /// <summary>The host's PostgreSQL database (null on SQLite), for more instances to open.</summary>
    public string? ConnectionString => _storage.ConnectionString;

    public static async Task<HarnessHost> StartAsync(
        string service, Action<IHostApplicationBuilder> configure, Action<IBusRegistrationConfigurator> consumers, StorageEngine engine = StorageEngine.Sqlite)
    {
        var storage = TestStorage.Create(engine);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = service, EnvironmentName = "Development" });
        storage.Configure(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        configure(builder);
        builder.Services.AddMassTransitTestHarness(consumers);
        var host = builder.Build();
        await host.StartAsync();
        return new HarnessHost(host, storage);
    }

    /// <summary>A store with an outbox and its relay and no consumers (scoring's store): for outbox tests.</summary>
    public static Task<HarnessHost> StartOutboxAsync(StorageEngine engine) => StartAsync(
        "Surveys.Scoring",
        builder => builder.AddStore("scoring.db", typeof(Surveys.Scoring.Scoring.ScoreStore).Assembly).AddOutbox(),
        _ => { },
        engine);

    /// <summary>Waits (up to 10 s) until no outbox row waits to be marked sent; returns how many still wait.</summary>
    public async Task<long> UnsentAfterWaitingAsync()
    {
        const string Unsent = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL";
        for (var wait = 0; wait < 500 && await CountAsync(Unsent) > 0; wait++)
        {
            await Task.Delay(20);
        }

        return await CountAsync(Unsent);
    }

    /// <summary>Waits (up to the harness's timeout) until <paramref name="expected"/> messages were consumed; returns how many were.</summary>
    public async Task<int> CountConsumedAsync<T>(int expected) where T : class =>
        await AsyncEnumerable.CountAsync(AsyncEnumerable.Take(Harness.Consumed.SelectAsync<T>(), expected));

    /// <summary>Waits (up to the harness's timeout) until <paramref name="expected"/> messages were published; returns how many were.</summary>
    public async Task<int> CountPublishedAsync<T>(int expected) where T : class =>
        await AsyncEnumerable.CountAsync(AsyncEnumerable.Take(Harness.Published.SelectAsync<T>(), expected));

    /// <summary>
    /// Polls (up to 10 s) until at least <paramref name="expected"/> messages were published; returns how many were. Unlike
    /// <see cref="CountPublishedAsync{T}"/> it does not stop early once the harness has seen no activity for a while.
    /// </summary>
    public async Task<int> WaitForPublishedAsync<T>(int expected) where T : class
    {
        for (var wait = 0; wait < 500 && Harness.Published.Select<T>().Count() < expected; wait++)
        {
            await Task.Delay(20);
        }

        return Harness.Published.Select<T>().Count();
    }

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = await _host.Services.GetRequiredService<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _storage.Dispose();
    }
}
