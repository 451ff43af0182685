using Microsoft.Extensions.Configuration;
using Npgsql;
using Surveys.Data;

namespace Surveys.UnitTests.Data;

/// <summary>
/// One test's storage: a temporary folder for SQLite files, or a fresh PostgreSQL database (dropped at the end) on
/// the server <see cref="ServerVariable"/> names, e.g. <c>Host=127.0.0.1;Port=5433;Username=postgres</c>. Without
/// that variable a PostgreSQL test is ignored, saying so; infra/test.sh starts a server and sets it.
/// </summary>
internal sealed class TestStorage : IDisposable
{
    public const string ServerVariable = "SURVEYS_TEST_POSTGRES";

    private readonly string? _server;
    private readonly string? _database;

    private TestStorage(StorageEngine engine)
    {
        Engine = engine;
        Directory = System.IO.Directory.CreateTempSubdirectory("surveys-unit-").FullName;
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

        _database = "surveys_test_" + Guid.NewGuid().ToString("N");
        Admin($"CREATE DATABASE {_database}");
        ConnectionString = new NpgsqlConnectionStringBuilder(_server) { Database = _database }.ToString();
    }

    public StorageEngine Engine { get; }

    /// <summary>Where SQLite files (and anything else the test writes) go.</summary>
    public string Directory { get; }

    /// <summary>The test's own PostgreSQL database; null for SQLite.</summary>
    public string? ConnectionString { get; }

    public static TestStorage Create(StorageEngine engine) => new(engine);

    /// <summary>A new handle on the test's database, as another process would open it.</summary>
    public Db Open(string fileName, string synchronous = "FULL") => Engine == StorageEngine.Postgres
        ? new PostgresDb(ConnectionString!)
        : new SqliteDb(Path.Combine(Directory, fileName), new StorageOptions { Synchronous = synchronous });

    /// <summary>The Storage section a host reads.</summary>
    public void Configure(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration["Storage:DataDirectory"] = Directory;
        configuration["Storage:Engine"] = Engine.ToString();
        configuration["Storage:ConnectionString"] = ConnectionString;
    }

    public void Dispose()
    {
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
