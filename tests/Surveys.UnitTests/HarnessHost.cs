using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surveys.ServiceDefaults.Data;
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

    /// <summary>Waits (up to the harness's timeout) until <paramref name="expected"/> messages were consumed; returns how many were.</summary>
    public async Task<int> CountConsumedAsync<T>(int expected) where T : class =>
        await AsyncEnumerable.CountAsync(AsyncEnumerable.Take(Harness.Consumed.SelectAsync<T>(), expected));

    /// <summary>Waits (up to the harness's timeout) until <paramref name="expected"/> messages were published; returns how many were.</summary>
    public async Task<int> CountPublishedAsync<T>(int expected) where T : class =>
        await AsyncEnumerable.CountAsync(AsyncEnumerable.Take(Harness.Published.SelectAsync<T>(), expected));

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
