using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Surveys.Data;

/// <summary>
/// A service's SQLite file (WAL mode), the embedded default: one file per service, one process at a time.
/// </summary>
public sealed class SqliteDb : Db
{
    private static readonly HashSet<string> SynchronousModes = new(StringComparer.OrdinalIgnoreCase) { "OFF", "NORMAL", "FULL", "EXTRA" };
    private readonly string _writerPragmas;

    public SqliteDb(string path, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!SynchronousModes.Contains(options.Synchronous))
        {
            throw new InvalidOperationException($"Storage:Synchronous must be one of OFF, NORMAL, FULL, EXTRA; it is '{options.Synchronous}'.");
        }

        DapperSetup.EnsureRegistered();
        Path = System.IO.Path.GetFullPath(path);
        PrivateFiles.EnsureFolder(System.IO.Path.GetDirectoryName(Path)!);
        PrivateFiles.EnsureDatabase(Path);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
        _writerPragmas = $"PRAGMA synchronous={options.Synchronous.ToUpperInvariant()}; PRAGMA busy_timeout={options.BusyTimeoutMilliseconds};";
    }

    public string Path { get; }

    public string ConnectionString { get; }

    /// <summary>
    /// A pooled connection for reading (and for the migrator). Foreign keys come with the connection string, so
    /// opening one runs no statement (a reader in WAL mode is not blocked by the writer; Microsoft.Data.Sqlite
    /// retries a busy reader until its 30 s timeout). The writer's connection also sets Storage:Synchronous and
    /// Storage:BusyTimeoutMilliseconds.
    /// </summary>
    public override StorageEngine Engine => StorageEngine.Sqlite;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) => await OpenSqliteAsync(cancellationToken);

    private async Task<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<SqliteConnection> OpenWriterAsync()
    {
        var connection = await OpenSqliteAsync();
        using var command = connection.CreateCommand();
        command.CommandText = _writerPragmas;
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and returns once it is committed (durably, as
    /// Storage:Synchronous says); nothing of it is kept when it throws.
    /// </summary>
    /// <remarks>
    /// Group commit: every write of the process goes through one writer, which takes all the work waiting (up to
    /// <see cref="MaxBatch"/>) into one BEGIN IMMEDIATE transaction, each piece in its own savepoint, and commits
    /// them with a single disk sync. A piece that throws is rolled back to its savepoint alone; its caller gets the
    /// exception and the others are committed. If the commit itself fails, every caller in the batch gets the
    /// error and nothing of the batch is kept. A disk sync costs milliseconds, so this is what lets one SQLite file
    /// take thousands of durable writes a second. Work must use only the connection and transaction it is given
    /// (a nested WriteAsync would wait for itself).
    /// </remarks>
    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingWrite<T>(work, cancellationToken);
        EnsureWriter();
        if (!_writes.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteDb), "The database is shutting down.");
        }

        return pending.Task;
    }

    /// <summary>The most pieces of work one transaction takes.</summary>
    public const int MaxBatch = 256;

    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _writerLock = new();
    private Task? _writer;

    private void EnsureWriter()
    {
        if (_writer is not null)
        {
            return;
        }

        lock (_writerLock)
        {
            _writer ??= Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        SqliteConnection? connection = null;
        try
        {
            while (await _writes.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                try
                {
                    connection ??= await OpenWriterAsync();
                    using (var transaction = connection.BeginTransaction(deferred: false))
                    {
                        foreach (var pending in batch)
                        {
                            await pending.RunAsync(connection, transaction);
                        }

                        transaction.Commit();
                    }

                    foreach (var pending in batch)
                    {
                        pending.Complete();
                    }
                }
                catch (Exception ex)
                {
                    // The transaction is gone (a failed commit, a lost savepoint, a broken connection): nothing of the
                    // batch was kept, so every caller hears of it. The next batch starts on a fresh connection.
                    foreach (var pending in batch)
                    {
                        pending.Abort(ex);
                    }

                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer;
        }
    }

    private abstract class PendingWrite
    {
        public abstract Task RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Abort(Exception exception);
    }

    private sealed class PendingWrite<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) : PendingWrite
    {
        private const string Savepoint = "pending_write";
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // The caller's execution context (its trace, its logging scopes) goes with the work into the writer, so
        // that what the work records, such as an outbox row's traceparent, is the caller's and not the writer's.
        private readonly ExecutionContext? _context = ExecutionContext.Capture();
        private T _result = default!;
        private Exception? _failure;

        public Task<T> Task => _completion.Task;

        public override async Task RunAsync(SqliteConnection connection, SqliteTransaction transaction)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                _failure = new OperationCanceledException(cancellationToken);
                return;
            }

            transaction.Save(Savepoint);
            try
            {
                Task<T> running = null!;
                if (_context is null)
                {
                    running = work(connection, transaction);
                }
                else
                {
                    ExecutionContext.Run(_context, _ => running = work(connection, transaction), null);
                }

                _result = await running;
            }
            catch (Exception ex)
            {
                _failure = ex;
                transaction.Rollback(Savepoint);
            }

            transaction.Release(Savepoint);
        }

        public override void Complete()
        {
            switch (_failure)
            {
                case null:
                    _completion.TrySetResult(_result);
                    break;
                case OperationCanceledException cancelled:
                    _completion.TrySetCanceled(cancelled.CancellationToken);
                    break;
                default:
                    _completion.TrySetException(_failure);
                    break;
            }
        }

        public override void Abort(Exception exception) => _completion.TrySetException(exception);
    }
}
