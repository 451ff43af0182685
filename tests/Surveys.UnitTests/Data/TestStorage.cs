using Microsoft.Extensions.Configuration;
using Surveys.Data;
using Surveys.Testing;

namespace Surveys.UnitTests.Data;

/// <summary>
/// One test's storage (<see cref="TestDatabase"/>: a temporary folder for SQLite files, or a fresh PostgreSQL database),
/// with handles on it as a service would open them.
/// </summary>
internal sealed class TestStorage : IDisposable
{
    public const string ServerVariable = TestDatabase.ServerVariable;

    private readonly TestDatabase _database;

    private TestStorage(StorageEngine engine)
    {
        Engine = engine;
        _database = TestDatabase.Create(engine);
    }

    public StorageEngine Engine { get; }

    /// <summary>Where SQLite files (and anything else the test writes) go.</summary>
    public string Directory => _database.Directory;

    /// <summary>The test's own PostgreSQL database; null for SQLite.</summary>
    public string? ConnectionString => _database.ConnectionString;

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

    public void Dispose() => _database.Dispose();
}
