using System.Data.Common;
using Dapper;

namespace Surveys.Data;

/// <summary>The database engines a service can keep its data in (Storage:Engine).</summary>
public enum StorageEngine
{
    /// <summary>One embedded file per service, one process: the default, for a clinic on one machine.</summary>
    Sqlite,

    /// <summary>A shared server, for several instances of each service.</summary>
    Postgres,
}

/// <summary>
/// The one way services reach their database: a connection for reading, or work in a write transaction that is
/// committed when <see cref="WriteAsync{T}"/> returns. <see cref="SqliteDb"/> group-commits through a single
/// writer; <see cref="PostgresDb"/> runs each write in its own transaction beside other instances' writes.
/// SQL is one string where both engines read it alike; where they differ, <see cref="Sql"/> picks the engine's.
/// </summary>
public abstract class Db : IAsyncDisposable
{
    public abstract StorageEngine Engine { get; }

    /// <summary>A pooled, open connection for reading.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and returns once it is committed; nothing of it is kept
    /// when it throws. Work uses only the connection and transaction it is given, and may run more than once on
    /// PostgreSQL (see <see cref="PostgresDb"/>), so it does nothing outside the database.
    /// </summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default);

    /// <summary>One statement as a write of its own; returns the rows changed.</summary>
    public Task<int> ExecuteAsync(string sql, object? parameters, CancellationToken cancellationToken = default) =>
        WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)), cancellationToken);

    /// <summary>The statement for this engine, where the two cannot share one.</summary>
    public string Sql(string sqlite, string postgres) => Engine == StorageEngine.Postgres ? postgres : sqlite;

    /// <summary>The column that orders rows written in the same instant by insertion (SQLite's rowid, a sequence in PostgreSQL).</summary>
    public string InsertionOrder => Sql("rowid", "seq");

    /// <summary>
    /// Makes writes about one thing (a patient, say) take turns across instances, until this transaction ends: for
    /// work that reads several rows and decides from all of them, which no single unique key can guard. SQLite has
    /// one writer, so there nothing needs to be done.
    /// </summary>
    public virtual Task TakeTurnsAsync(DbConnection connection, DbTransaction transaction, string key) => Task.CompletedTask;

    public abstract ValueTask DisposeAsync();
}
