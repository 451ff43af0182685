using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Surveys.Data;

/// <summary>
/// Applies versioned SQL scripts embedded as resources named <c>migrations/NNNN_name.sql</c>.
/// Scripts belong to a module (the service, or shared pieces such as the outbox); each is applied
/// once, in order, in its own transaction, and recorded in <c>schema_migrations</c>. Each engine has its own
/// scripts (PostgreSQL's in the module's <c>postgres/</c> subfolder: a fresh equivalent of SQLite's final schema,
/// numbered on their own). On PostgreSQL, instances starting together take turns (an advisory lock).
/// </summary>
public sealed partial class Migrator(Db db, ILogger<Migrator> logger)
{
    public sealed record Script(string Module, int Version, string Name, string Sql);

    public static IReadOnlyList<Script> FromAssembly(Assembly assembly, string module, string prefix = "migrations/")
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(prefix);
        var scripts = new List<Script>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var name = resource[prefix.Length..^".sql".Length];
            if (name.Contains('/', StringComparison.Ordinal))
            {
                continue; // another module's folder
            }

            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name[..underscore], System.Globalization.CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' in {assembly.GetName().Name} must be named NNNN_description.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new Script(module, version, name, reader.ReadToEnd()));
        }

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Module '{module}' has two migrations numbered {duplicate.Key}.");
        }

        return scripts.OrderBy(s => s.Version).ToList();
    }

    /// <summary>This engine's scripts of the modules: the shared modules' first, then the service's own (<see cref="MigrationModule.IsService"/>).</summary>
    public Task MigrateAsync(IEnumerable<MigrationModule> modules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var folder = db.Engine == StorageEngine.Postgres ? "postgres/" : "";
        return MigrateAsync(modules.OrderBy(m => m.IsService).SelectMany(m => FromAssembly(m.Assembly, m.Module, m.Prefix + folder)).ToList(), cancellationToken);
    }

    // Instances starting together on one PostgreSQL database migrate one at a time.
    private const string TurnKey = "surveys/migrations";

    public async Task MigrateAsync(IEnumerable<Script> scripts, CancellationToken cancellationToken = default)
    {
        if (db.Engine == StorageEngine.Sqlite)
        {
            await using var connection = await db.OpenAsync(cancellationToken);

            // WAL lets readers run beside the single writer; the mode is stored in the file.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
        }

        await db.WriteAsync(
            async (connection, transaction) =>
            {
                await db.TakeTurnsAsync(connection, transaction, TurnKey);
                return await connection.ExecuteAsync(
                    db.Sql(
                        "CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))",
                        "CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (module, version))"),
                    transaction: transaction);
            },
            cancellationToken);

        foreach (var script in scripts)
        {
            var applied = await db.WriteAsync(async (connection, transaction) =>
            {
                await db.TakeTurnsAsync(connection, transaction, TurnKey);
                var exists = await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM schema_migrations WHERE module = @Module AND version = @Version", new { script.Module, script.Version }, transaction);
                if (exists > 0)
                {
                    return false;
                }

                await connection.ExecuteAsync(script.Sql, transaction: transaction);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (module, version, name, applied_at) VALUES (@Module, @Version, @Name, @AppliedAt)",
                    new { script.Module, script.Version, script.Name, AppliedAt = DateTimeOffset.UtcNow }, transaction);
                return true;
            }, cancellationToken);

            if (applied)
            {
                LogApplied(script.Module, script.Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Module}/{Name}")]
    private partial void LogApplied(string module, string name);
}
