using Dapper;
using Surveys.Data;

namespace Surveys.UnitTests.Data;

/// <summary>
/// SqliteDb's group commit on a real SQLite file: writes waiting together share one transaction, yet each keeps
/// the promise a transaction of its own would: its caller hears of its failure alone, and hears of success only
/// once it is on disk.
/// </summary>
public sealed class GroupCommitTests
{
    private string _folder = null!;
    private SqliteDb _db = null!;

    [SetUp]
    public async Task SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"surveys-groupcommit-{Guid.NewGuid():N}");
        _db = new SqliteDb(Path.Combine(_folder, "test.db"), new StorageOptions());
        await using var connection = await _db.OpenAsync();
        await connection.ExecuteAsync(
            """
            PRAGMA journal_mode=WAL;
            CREATE TABLE parents (id INTEGER PRIMARY KEY);
            CREATE TABLE items (id INTEGER PRIMARY KEY, parent INTEGER NULL REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);
            """);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _db.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private Task<int> Insert(int id, int? parent = null) =>
        _db.WriteAsync((c, t) => c.ExecuteAsync("INSERT INTO items (id, parent) VALUES (@id, @parent)", new { id, parent }, t));

    private async Task<long[]> Items()
    {
        await using var connection = await _db.OpenAsync();
        return (await connection.QueryAsync<long>("SELECT id FROM items ORDER BY id")).ToArray();
    }

    /// <summary>Holds the writer inside a first batch until released, so that what is written next waits together.</summary>
    private (Task Held, TaskCompletionSource Release) HoldTheWriter()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = _db.WriteAsync(async (_, _) =>
        {
            started.SetResult();
            await release.Task;
            return 0;
        });
        started.Task.Wait(TimeSpan.FromSeconds(10));
        return (held, release);
    }

    [Test]
    public async Task Many_concurrent_writes_are_all_committed_and_each_caller_gets_its_own_result()
    {
        var results = await Task.WhenAll(Enumerable.Range(1, 500).Select(i => Insert(i)));

        Assert.Multiple(async () =>
        {
            Assert.That(results, Is.All.EqualTo(1), "each write reports its own row count");
            Assert.That(await Items(), Is.EqualTo(Enumerable.Range(1, 500).Select(i => (long)i)));
        });
    }

    [Test]
    public async Task A_write_that_fails_is_rolled_back_alone_and_the_others_in_its_batch_are_kept()
    {
        var (held, release) = HoldTheWriter();
        var first = Insert(1);
        var failing = _db.WriteAsync<int>(async (c, t) =>
        {
            await c.ExecuteAsync("INSERT INTO items (id) VALUES (2)", transaction: t);
            throw new InvalidOperationException("the work changed its mind");
        });
        var duplicate = Insert(1);
        var last = Insert(3);
        release.SetResult();
        await held;

        Assert.Multiple(async () =>
        {
            Assert.That(await first, Is.EqualTo(1));
            Assert.That(async () => await failing, Throws.InvalidOperationException.With.Message.EqualTo("the work changed its mind"));
            Assert.That(async () => await duplicate, Throws.InstanceOf<Microsoft.Data.Sqlite.SqliteException>(), "a constraint violation reaches its own caller");
            Assert.That(await last, Is.EqualTo(1));
            Assert.That(await Items(), Is.EqualTo(new long[] { 1, 3 }), "row 2 was rolled back with its savepoint; rows 1 and 3 were committed");
        });
    }

    [Test]
    public async Task When_the_commit_fails_every_caller_in_the_batch_hears_of_it_and_nothing_is_kept()
    {
        var (held, release) = HoldTheWriter();
        var valid = Insert(1);
        var orphan = Insert(2, parent: 99); // a deferred foreign key: only the commit can refuse it
        release.SetResult();
        await held;

        Assert.Multiple(async () =>
        {
            Assert.That(async () => await valid, Throws.InstanceOf<Microsoft.Data.Sqlite.SqliteException>(), "the valid write was not committed, so its caller must not hear success");
            Assert.That(async () => await orphan, Throws.InstanceOf<Microsoft.Data.Sqlite.SqliteException>());
            Assert.That(await Items(), Is.Empty);
        });

        Assert.That(await Insert(5), Is.EqualTo(1), "the writer goes on with the next batch");
    }

    [Test]
    public async Task Work_cancelled_before_its_turn_is_not_run()
    {
        var (held, release) = HoldTheWriter();
        using var cancel = new CancellationTokenSource();
        var ran = false;
        var cancelled = _db.WriteAsync((c, t) =>
        {
            ran = true;
            return c.ExecuteAsync("INSERT INTO items (id) VALUES (7)", transaction: t);
        }, cancel.Token);
        await cancel.CancelAsync();
        release.SetResult();
        await held;

        Assert.Multiple(async () =>
        {
            Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
            Assert.That(ran, Is.False);
            Assert.That(await Items(), Is.Empty);
        });
    }
}
