using System.Data;
using Microsoft.Data.Sqlite;

namespace Surveys.ServiceDefaults.Data;

/// <summary>
/// The one way services reach their SQLite file: open a configured connection, or run work in a
/// write transaction. Each service owns exactly one database file (WAL mode).
/// </summary>
public sealed class SqliteDb
{
    private static readonly HashSet<string> SynchronousModes = new(StringComparer.OrdinalIgnoreCase) { "OFF", "NORMAL", "FULL", "EXTRA" };
    private readonly string _pragmas;

    public SqliteDb(string path, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!SynchronousModes.Contains(options.Synchronous))
        {
            throw new InvalidOperationException($"Storage:Synchronous must be one of OFF, NORMAL, FULL, EXTRA; it is '{options.Synchronous}'.");
        }

        DapperSetup.EnsureRegistered();
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
        _pragmas = $"PRAGMA synchronous={options.Synchronous.ToUpperInvariant()}; PRAGMA busy_timeout={options.BusyTimeoutMilliseconds}; PRAGMA foreign_keys=ON;";
    }

    public string Path { get; }

    public string ConnectionString { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE, so two writers never
    /// deadlock upgrading a read lock) and commits it; nothing is kept when it throws.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, IDbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = await work(connection, transaction);
        transaction.Commit();
        return result;
    }
}
