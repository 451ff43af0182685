namespace Surveys.Data;

/// <summary>Where a service keeps its data. Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Sqlite (the default: one file per service) or Postgres (Storage__Engine).</summary>
    public StorageEngine Engine { get; set; } = StorageEngine.Sqlite;

    /// <summary>
    /// The service's own PostgreSQL database when <see cref="Engine"/> is Postgres (Storage__ConnectionString),
    /// e.g. <c>Host=db;Database=surveys_intake;Username=intake;Password=...</c>. Each service owns one database.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the service's database file (Storage__DataDirectory). Created when missing.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// SQLite synchronous mode. FULL (the default) makes every commit survive a power cut, not only a
    /// process crash; a commit is what a patient's confirmation and a broker acknowledgement rest on.
    /// </summary>
    public string Synchronous { get; set; } = "FULL";

    /// <summary>How long a writer waits for SQLite's single write lock before failing.</summary>
    public int BusyTimeoutMilliseconds { get; set; } = 5000;
}
