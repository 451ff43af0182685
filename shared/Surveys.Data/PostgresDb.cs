using System.Data;
using System.Data.Common;
using Dapper;
using Npgsql;

namespace Surveys.Data;

/// <summary>
/// A service's PostgreSQL database, shared by all its instances. Every write is a READ COMMITTED transaction of
/// its own (PostgreSQL takes concurrent writers; there is nothing to batch). Races between instances are settled
/// by the schema (unique keys, partial unique indexes, conditional updates, FOR UPDATE SKIP LOCKED), never by
/// timing: when a write loses one (a unique key another instance just took, a deadlock, a serialization failure)
/// its transaction is rolled back and the work runs again, and a check-then-insert then sees the winner's row.
/// </summary>
public sealed class PostgresDb : Db
{
    /// <summary>How many times a write that lost a race runs in all.</summary>
    public const int MaxAttempts = 5;

    private static readonly HashSet<string> RetriedStates =
    [
        PostgresErrorCodes.UniqueViolation,
        PostgresErrorCodes.SerializationFailure,
        PostgresErrorCodes.DeadlockDetected,
    ];

    private readonly NpgsqlDataSource _source;

    public PostgresDb(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("Storage:Engine is Postgres but Storage:ConnectionString is empty.");
        }

        DapperSetup.EnsureRegistered();
        _source = NpgsqlDataSource.Create(connectionString);
    }

    public override StorageEngine Engine => StorageEngine.Postgres;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _source.OpenConnectionAsync(cancellationToken);

    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            try
            {
                var result = await work(connection, transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (PostgresException ex) when (attempt < MaxAttempts && RetriedStates.Contains(ex.SqlState))
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>A transaction-level advisory lock on the key's hash.</summary>
    public override Task TakeTurnsAsync(DbConnection connection, DbTransaction transaction, string key) =>
        connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", new { key }, transaction);

    public override ValueTask DisposeAsync() => _source.DisposeAsync();
}
