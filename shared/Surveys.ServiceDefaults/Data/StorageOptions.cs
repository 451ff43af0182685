namespace Surveys.ServiceDefaults.Data;

/// <summary>Where a service keeps its SQLite file. Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

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
