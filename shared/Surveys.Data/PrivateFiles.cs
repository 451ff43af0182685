namespace Surveys.Data;

/// <summary>
/// Patient data is for the service's own account only: its data folder is created 700 (owner only) and its database
/// files (the database, <c>-wal</c>, <c>-shm</c>, <c>-journal</c>) are 600, whatever the process's umask. SQLite gives
/// its WAL and shared-memory files the database file's mode, so the database is created before SQLite opens it.
/// No effect on Windows, where the folder's access list applies.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly string[] SqliteCompanions = ["", "-wal", "-shm", "-journal"];

    /// <summary>
    /// Creates <paramref name="folder"/> (and any missing parent) owner-only. An existing folder is left as it is: it may
    /// be shared or not the service's own (a mounted volume, a temporary folder); the files the service keeps in it are
    /// owner-only all the same.
    /// </summary>
    public static void EnsureFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, Folder);
        }
    }

    /// <summary>Creates the SQLite database file owner-only when missing, and makes it and its companions owner-only when they exist.</summary>
    public static void EnsureDatabase(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!System.IO.File.Exists(path))
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = File });
        }

        foreach (var companion in SqliteCompanions.Select(suffix => path + suffix).Where(System.IO.File.Exists))
        {
            if (System.IO.File.GetUnixFileMode(companion) != File)
            {
                System.IO.File.SetUnixFileMode(companion, File);
            }
        }
    }
}
