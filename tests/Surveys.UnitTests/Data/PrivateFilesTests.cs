using System.Runtime.Versioning;
using Surveys.Data;

namespace Surveys.UnitTests.Data;

/// <summary>Patient databases and logs are for the service's own account only (issue 20, item 8).</summary>
[Platform(Exclude = "Win")]
[UnsupportedOSPlatform("windows")]
public class PrivateFilesTests
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Open = OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("surveys-modes-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task A_store_creates_its_folder_700_and_its_database_wal_and_shm_600()
    {
        var folder = Path.Combine(_root, "data");
        var path = Path.Combine(folder, "intake.db");
        await using var db = new SqliteDb(path, new StorageOptions());
        await using (var reader = await db.OpenAsync())
        {
            await using var wal = reader.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL";
            await wal.ExecuteNonQueryAsync();
            await db.ExecuteAsync("CREATE TABLE answers (id INTEGER PRIMARY KEY, value TEXT)", null);
            await db.ExecuteAsync("INSERT INTO answers (value) VALUES ('x')", null);

            // While a connection is open SQLite keeps the write-ahead log and the shared memory beside the database.
            Assert.Multiple(() =>
            {
                Assert.That(File.GetUnixFileMode(folder), Is.EqualTo(OwnerOnlyFolder), "data folder");
                foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                {
                    Assert.That(File.Exists(file), Is.True, file);
                    Assert.That(File.GetUnixFileMode(file), Is.EqualTo(OwnerOnlyFile), file);
                }
            });
        }
    }

    [Test]
    public async Task Files_left_readable_by_an_older_version_are_made_owner_only_at_start()
    {
        var path = Path.Combine(_root, "notifier.db");
        foreach (var file in new[] { path, path + "-wal" })
        {
            await File.WriteAllBytesAsync(file, []);
            File.SetUnixFileMode(file, Open);
        }

        await using var db = new SqliteDb(path, new StorageOptions());

        Assert.Multiple(() =>
        {
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(OwnerOnlyFile));
            Assert.That(File.GetUnixFileMode(path + "-wal"), Is.EqualTo(OwnerOnlyFile));
        });
    }

    [Test]
    public void Run_sh_makes_everything_it_starts_owner_only_before_it_creates_the_data_folder()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Surveys.sln")))
        {
            directory = directory.Parent;
        }

        var script = File.ReadAllText(Path.Combine(directory!.FullName, "infra", "run.sh"));
        var umask = script.IndexOf("\numask 077\n", StringComparison.Ordinal);
        Assert.That(umask, Is.GreaterThan(0), "run.sh sets umask 077 (the services' logs and files inherit it)");
        Assert.That(umask, Is.LessThan(script.IndexOf("mkdir -p \"$DATA_DIR", StringComparison.Ordinal)), "before the data folder is made");
        Assert.That(script, Does.Contain("chmod 700 \"$DATA_DIR\" \"$DATA_DIR/logs\""), "and a folder from an older run is tightened");
    }
}
