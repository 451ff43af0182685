using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Surveys.Intake.Data;
using Surveys.Intake.Staff;
using Surveys.Data;
using Surveys.Web.Security;
using Surveys.UnitTests.Data;

namespace Surveys.UnitTests.Security;

/// <summary>
/// Item 5 of issue 20: failed sign-ins are counted per account AND client address, every failure looks alike, and a lock
/// ends, on a fake clock, on each engine.
/// </summary>
[TestFixture(StorageEngine.Sqlite)]
[TestFixture(StorageEngine.Postgres)]
[NonParallelizable]
public class SignInLockoutTests(StorageEngine engine)
{
    private const string Password = "admin-password-123";
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Ward = IPAddress.Parse("10.1.2.3");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private TestStorage? _storage;
    private Db _db = null!;
    private StaffAccounts _accounts = null!;

    [SetUp]
    public async Task CreateAccountsAsync()
    {
        _storage = TestStorage.Create(engine);
        _db = _storage.Open("intake.db");
        await StorageTests.Migrate(_db, StorageTests.Modules(typeof(IntakeStore).Assembly));
        _accounts = new StaffAccounts(new StaffStore(_db), Options.Create(new AuthOptions()), _time);
        Assert.That(await _accounts.AddAsync("admin", Password, [Roles.Admin], CancellationToken.None), Is.True);
        Assert.That(await _accounts.AddAsync("leaver", Password, [Roles.Nurse], CancellationToken.None), Is.True);
        await new StaffStore(_db).DisableAsync("leaver", _time.GetUtcNow(), CancellationToken.None);
    }

    [TearDown]
    public async Task DropAsync()
    {
        if (_storage is not null)
        {
            await _db.DisposeAsync();
            _storage.Dispose();
        }
    }

    private async Task<SignInOutcome> SignInAsync(string? password, IPAddress from, string userName = "admin") =>
        (await _accounts.SignInAsync(userName, password, from, CancellationToken.None)).Outcome;

    private async Task FailAsync(int times, IPAddress from)
    {
        for (var i = 0; i < times; i++)
        {
            await SignInAsync($"wrong-{i}-password", from);
        }
    }

    [Test]
    public async Task Five_wrong_passwords_from_one_address_lock_that_address_only()
    {
        await FailAsync(5, Attacker);

        Assert.Multiple(async () =>
        {
            Assert.That(await SignInAsync(Password, Attacker), Is.EqualTo(SignInOutcome.LockedOut), "the guessing address is refused even the right password");
            Assert.That(await SignInAsync(Password, Ward), Is.EqualTo(SignInOutcome.Succeeded), "the admin, elsewhere, signs in as usual");
        });
    }

    [Test]
    public async Task The_count_starts_again_when_a_lock_ends_and_each_lock_lasts_twice_the_one_before()
    {
        await FailAsync(5, Attacker);
        _time.Advance(TimeSpan.FromMinutes(15));

        var firstAfterTheLock = await SignInAsync("wrong-again-password", Attacker);
        await FailAsync(4, Attacker); // five since the lock ended: locked again, now for 30 minutes
        _time.Advance(TimeSpan.FromMinutes(29));
        var within = await SignInAsync(Password, Attacker);
        _time.Advance(TimeSpan.FromMinutes(1));
        var after = await SignInAsync(Password, Attacker);

        Assert.Multiple(() =>
        {
            Assert.That(firstAfterTheLock, Is.EqualTo(SignInOutcome.Invalid), "one wrong password after a lock does not lock again");
            Assert.That(within, Is.EqualTo(SignInOutcome.LockedOut), "the second lock lasts 30 minutes");
            Assert.That(after, Is.EqualTo(SignInOutcome.Succeeded));
        });
    }

    [Test]
    public async Task A_good_sign_in_forgets_the_failures()
    {
        await FailAsync(4, Attacker);
        Assert.That(await SignInAsync(Password, Attacker), Is.EqualTo(SignInOutcome.Succeeded));

        await FailAsync(4, Attacker);

        Assert.That(await SignInAsync(Password, Attacker), Is.EqualTo(SignInOutcome.Succeeded), "four since the good sign-in, not eight");
    }

    [Test]
    public async Task Unknown_and_disabled_accounts_fail_like_a_wrong_password_and_are_counted_alike()
    {
        var unknown = await SignInAsync(Password, Attacker, "nobody");
        var disabled = await SignInAsync(Password, Attacker, "leaver");
        await FailAsync(5, Ward);
        for (var i = 0; i < 5; i++)
        {
            await SignInAsync($"guess-{i}-password", Ward, "nobody");
        }

        Assert.Multiple(async () =>
        {
            Assert.That(unknown, Is.EqualTo(SignInOutcome.Invalid));
            Assert.That(disabled, Is.EqualTo(SignInOutcome.Invalid));
            Assert.That(await SignInAsync(Password, Ward, "nobody"), Is.EqualTo(SignInOutcome.LockedOut), "an unknown name locks like a real one");
            Assert.That((await new StaffStore(_db).LockedAsync(_time.GetUtcNow(), CancellationToken.None)).Order(), Is.EqualTo(new[] { "admin", "nobody" }));
        });
    }

    [Test]
    public async Task A_locked_pair_takes_as_long_to_answer_as_an_unknown_account()
    {
        await FailAsync(5, Attacker);
        var locked = new List<TimeSpan>();
        var unknown = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            // Alternating, so the machine's load falls on both alike.
            locked.Add(await TimeAsync(() => SignInAsync("wrong-password-1", Attacker)));
            unknown.Add(await TimeAsync(() => SignInAsync("wrong-password-1", Attacker, $"nobody{i}")));
        }

        // Before: a locked account answered without verifying a hash (9-39 ms against ~330 ms).
        Assert.That(Median(locked), Is.GreaterThan(Median(unknown) * 0.5), $"locked {Median(locked).TotalMilliseconds} ms, unknown {Median(unknown).TotalMilliseconds} ms");
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> work)
    {
        var clock = Stopwatch.StartNew();
        await work();
        return clock.Elapsed;
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);
}
