using System.CommandLine;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Surveys.Cli.Commands;

/// <summary>
/// <c>surveys backup</c>: a consistent online copy of every service's SQLite database, taken with
/// SQLite's backup API while the services keep running. Each copy is checked with
/// <c>PRAGMA integrity_check</c> and left as one self-contained file (rollback journal, no WAL). Copies hold patient
/// data, so they are owner-only like the databases (docs/operations.md, "Files and permissions"): a new backup folder
/// is made 700 and each copy is created 600 before SQLite opens it.
/// </summary>
public static class BackupCommand
{
    public static readonly string[] Databases = ["intake.db", "scoring.db", "notifier.db"];

    public static Command Create()
    {
        var dataDir = new Option<DirectoryInfo>("--data-dir")
        {
            Description = "Folder holding the services' databases (Storage__DataDirectory).",
            DefaultValueFactory = _ => new DirectoryInfo(Environment.GetEnvironmentVariable("SURVEYS_DATA_DIR") ?? "data"),
        };
        var output = new Option<DirectoryInfo?>("--out")
        {
            Description = "Folder to write the copies to (default: backups/<UTC time>). Must not hold copies already.",
        };
        var command = new Command("backup", "Copy every service's SQLite database, consistently, while the services run.") { dataDir, output };
        command.SetAction(parse => Run(
            parse.GetValue(dataDir)!,
            parse.GetValue(output) ?? new DirectoryInfo(Path.Combine("backups", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture))),
            Console.Out,
            Console.Error));
        return command;
    }

    public static int Run(DirectoryInfo dataDir, DirectoryInfo output, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var sources = Databases.Select(name => new FileInfo(Path.Combine(dataDir.FullName, name))).Where(f => f.Exists).ToList();
        if (sources.Count == 0)
        {
            stderr.WriteLine($"No service database ({string.Join(", ", Databases)}) in {dataDir.FullName}. Name the folder with --data-dir.");
            return 2;
        }

        CreateOwnerOnly(output);
        var failures = 0;
        foreach (var source in sources)
        {
            var target = Path.Combine(output.FullName, source.Name);
            if (File.Exists(target))
            {
                stderr.WriteLine($"{target} exists already; choose another --out.");
                return 2;
            }

            CreateOwnerOnly(target);
            using (var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source.FullName, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString()))
            using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString()))
            {
                from.Open();
                to.Open();
                from.BackupDatabase(to);
                Execute(to, "PRAGMA journal_mode=DELETE;");
                var integrity = Execute(to, "PRAGMA integrity_check;");
                var tables = Execute(to, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table';");
                var ok = integrity == "ok";
                failures += ok ? 0 : 1;
                (ok ? stdout : stderr).WriteLine($"{source.Name} -> {target}: {tables} tables, integrity {integrity}");
            }
        }

        return failures == 0 ? 0 : 1;
    }

    private static void CreateOwnerOnly(DirectoryInfo folder)
    {
        if (OperatingSystem.IsWindows() || folder.Exists)
        {
            folder.Create();
            return;
        }

        Directory.CreateDirectory(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void CreateOwnerOnly(string file)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var created = new FileStream(file, options);
    }

    private static string Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? string.Empty;
    }
}
