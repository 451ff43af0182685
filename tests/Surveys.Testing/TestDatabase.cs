using Npgsql;
using Surveys.Data;

namespace Surveys.Testing;

/// <summary>
/// A service's storage for one fixture: a temporary folder for its SQLite file, or a fresh PostgreSQL database (dropped at
/// the end) on the server SURVEYS_TEST_POSTGRES names, e.g. <c>Host=127.0.0.1;Port=5434;Username=postgres</c>. Without that
/// variable a PostgreSQL fixture is ignored, saying so; infra/test.sh starts a server and sets it.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public const string ServerVariable = "SURVEYS_TEST_POSTGRES";

    private readonly string? _server;
    private readonly string? _database;
    private bool _disposed;

    private TestDatabase(StorageEngine engine)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("surveys-functional-").FullName;
        if (engine != StorageEngine.Postgres)
        {
            return;
        }

        _server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(_server))
        {
            System.IO.Directory.Delete(Directory);
            Assert.Ignore($"{ServerVariable} is not set: there is no PostgreSQL server to test against.");
        }

        _database = "surveys_functional_" + Guid.NewGuid().ToString("N");
        Admin($"CREATE DATABASE {_database}");
        ConnectionString = new NpgsqlConnectionStringBuilder(_server) { Database = _database }.ToString();
    }

    /// <summary>Where the SQLite file (and anything else the service writes, e.g. Data Protection keys) goes.</summary>
    public string Directory { get; }

    /// <summary>The fixture's own PostgreSQL database; null on SQLite.</summary>
    public string? ConnectionString { get; }

    public static TestDatabase Create(StorageEngine engine) => new(engine);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            Admin($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(_server);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
