using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Surveys.Data;

/// <summary>
/// One module's embedded migrations (the service's own, or a shared piece such as the outbox): SQLite's in the
/// prefix folder, PostgreSQL's in its <c>postgres/</c> subfolder.
/// </summary>
public sealed record MigrationModule(string Module, Assembly Assembly, string Prefix = "migrations/")
{
    /// <summary>
    /// The service's own scripts: migrated after the shared modules' (outbox, audit, delivery), so they may build on
    /// those tables (intake's 0009 moves its old message queue into the delivery module's table).
    /// </summary>
    public bool IsService { get; init; }
}

public static class DataRegistration
{
    /// <summary>
    /// Registers the service's database, chosen by Storage:Engine: its SQLite file
    /// (<c>{Storage:DataDirectory}/{fileName}</c>, the default) or its PostgreSQL database
    /// (Storage:ConnectionString), and applies its migrations, embedded in <paramref name="migrations"/>, before
    /// anything else starts.
    /// </summary>
    public static IHostApplicationBuilder AddStore(this IHostApplicationBuilder builder, string fileName, Assembly migrations)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);
        builder.Services.AddSingleton<Db>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.Engine == StorageEngine.Postgres
                ? new PostgresDb(options.ConnectionString ?? "")
                : new SqliteDb(Path.Combine(options.DataDirectory, fileName), options);
        });
        builder.Services.AddSingleton<Migrator>();
        builder.Services.AddSingleton(new MigrationModule(builder.Environment.ApplicationName, migrations) { IsService = true });
        builder.Services.AddHostedService<MigrateOnStart>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    private sealed class MigrateOnStart(Migrator migrator, IEnumerable<MigrationModule> modules) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            migrator.MigrateAsync(modules, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class DatabaseHealthCheck(Db db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var connection = await db.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM schema_migrations";
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy("database open and migrated");
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or UnauthorizedAccessException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("database unavailable", ex);
            }
        }
    }
}
