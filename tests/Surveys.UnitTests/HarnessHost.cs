using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surveys.ServiceDefaults.Data;

namespace Surveys.UnitTests;

/// <summary>
/// A service's consumers on MassTransit's in-memory test harness, with the service's real SQLite
/// store (a file in a temporary folder), migrations and outbox relay.
/// </summary>
internal sealed class HarnessHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _directory;

    private HarnessHost(IHost host, string directory)
    {
        _host = host;
        _directory = directory;
    }

    public ITestHarness Harness => _host.Services.GetTestHarness();

    public IServiceProvider Services => _host.Services;

    public static async Task<HarnessHost> StartAsync(
        string service, Action<IHostApplicationBuilder> configure, Action<IBusRegistrationConfigurator> consumers)
    {
        var directory = Directory.CreateTempSubdirectory("surveys-unit-").FullName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = service, EnvironmentName = "Development" });
        builder.Configuration["Storage:DataDirectory"] = directory;
        builder.Services.AddSingleton(TimeProvider.System);
        configure(builder);
        builder.Services.AddMassTransitTestHarness(consumers);
        var host = builder.Build();
        await host.StartAsync();
        return new HarnessHost(host, directory);
    }

    /// <summary>Waits (up to the harness's timeout) until <paramref name="expected"/> messages were consumed; returns how many were.</summary>
    public async Task<int> CountConsumedAsync<T>(int expected) where T : class =>
        await AsyncEnumerable.CountAsync(AsyncEnumerable.Take(Harness.Consumed.SelectAsync<T>(), expected));

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = await _host.Services.GetRequiredService<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
