using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Surveys.Web.Security;

namespace Surveys.Intake.Staff;

public sealed record SignInResult(SignInOutcome Outcome, StaffUser? User);

/// <summary>
/// Built-in staff accounts: salted PBKDF2 password hashes (ASP.NET Core Identity's hasher), lockout of an
/// account and address pair after repeated failures, and the platform's short-lived bearer tokens.
/// </summary>
public sealed class StaffAccounts(StaffStore store, IOptions<AuthOptions> options, TimeProvider time)
{
    public const int MinimumPasswordLength = 12;
    private static readonly PasswordHasher<string> Hasher = new();

    // A fixed hash to verify against when the account does not exist, so both cases take as long.
    private static readonly string DummyHash = Hasher.HashPassword(string.Empty, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    public static string? CheckUserName(string? userName) => StaffNames.IsWellFormed(userName) ? null : StaffNames.Rule;

    public static string? CheckPassword(string? password) =>
        password is { Length: >= MinimumPasswordLength } ? null : $"Use a password of at least {MinimumPasswordLength} characters.";

    public static string GeneratePassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    public Task<bool> AddAsync(string userName, string password, IEnumerable<string> roles, CancellationToken ct) =>
        store.AddAsync(userName, Hasher.HashPassword(userName, password), roles, time.GetUtcNow(), ct);

    /// <summary>Gives an active account a newly generated password (returned once, kept nowhere); null when there is no such active account.</summary>
    public async Task<string?> ResetPasswordAsync(string userName, CancellationToken ct)
    {
        var password = GeneratePassword();
        return await store.SetPasswordAsync(userName, Hasher.HashPassword(userName, password), ct) ? password : null;
    }

    /// <summary>
    /// Checks a user name and password from a client address. Every failure looks alike to the client (an unknown or disabled
    /// account, a wrong password, a locked pair: the same outcome to show, and a password hash verified every time), and
    /// failures are counted per account AND address: after <see cref="AuthOptions.LockoutAttempts"/> the pair is locked for
    /// <see cref="AuthOptions.LockoutDuration"/>, each further lock twice as long (at most a day), so guessing from one
    /// address slows down while the account's owner, elsewhere, signs in as usual. The count starts again when a lock ends; a
    /// good sign-in forgets the pair. <see cref="SignInOutcome.LockedOut"/> is for the audit trail only.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string? userName, string? password, System.Net.IPAddress? address, CancellationToken ct)
    {
        var auth = options.Value;
        var user = string.IsNullOrEmpty(userName) ? null : await store.FindAsync(userName, ct);
        var typed = (userName ?? string.Empty).ToLowerInvariant();
        var name = user?.UserName ?? typed[..Math.Min(typed.Length, 64)];
        var from = address?.ToString() ?? "unknown";
        var now = time.GetUtcNow();
        var failures = await store.FailuresAsync(name, from, ct);
        var locked = failures?.LockedUntil > now;

        var verdict = Hasher.VerifyHashedPassword(user?.UserName ?? string.Empty, user?.PasswordHash ?? DummyHash, password ?? string.Empty);
        if (!locked && user is { DisabledAt: null } && !string.IsNullOrEmpty(password) && verdict != PasswordVerificationResult.Failed)
        {
            var rehash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(user.UserName, password) : null;
            await store.RecordSuccessAsync(user.UserName, from, rehash, ct);
            return new SignInResult(SignInOutcome.Succeeded, rehash is null ? user : user with { PasswordHash = rehash });
        }

        var count = await store.RecordFailureAsync(name, from, count: !locked, now, forgetBefore: now - MaximumLockout, ct);
        if (!locked && count >= auth.LockoutAttempts)
        {
            var lockFor = TimeSpan.FromTicks(Math.Min(MaximumLockout.Ticks, auth.LockoutDuration.Ticks * (1L << (int)Math.Min(failures?.Locks ?? 0, 20))));
            await store.LockAsync(name, from, now + lockFor, ct);
            locked = true;
        }

        return new SignInResult(locked ? SignInOutcome.LockedOut : SignInOutcome.Invalid, null);
    }

    /// <summary>The longest a pair stays locked, and how long its failures are remembered after the last one.</summary>
    public static readonly TimeSpan MaximumLockout = TimeSpan.FromDays(1);

    /// <summary>
    /// The account's security stamp, carried by its cookies and tokens: a digest of its password hash and roles, so it changes
    /// when either changes (a disabled account has no current stamp at all). Sessions are checked against it (<see cref="LocalAccountCheck"/>).
    /// </summary>
    public static string Stamp(StaffUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var material = string.Join('\n', user.UserName, user.PasswordHash, string.Join(',', user.RoleList.Order(StringComparer.Ordinal)));
        return Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(material)).AsSpan(0, 16).ToArray());
    }

    public ClaimsIdentity Identity(StaffUser user, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = new ClaimsIdentity(authenticationType, StaffAuth.NameClaim, StaffAuth.RoleClaim);
        identity.AddClaim(new Claim(StaffAuth.NameClaim, user.UserName));
        identity.AddClaim(new Claim(StaffAuth.StampClaim, Stamp(user)));
        foreach (var role in user.RoleList)
        {
            identity.AddClaim(new Claim(StaffAuth.RoleClaim, role));
        }

        return identity;
    }

    /// <summary>A bearer token every service accepts, valid for <see cref="AuthOptions.TokenLifetime"/>.</summary>
    public (string Token, TimeSpan Lifetime) IssueToken(StaffUser user) =>
        (StaffTokens.Create(Identity(user, "bearer"), options.Value, time.GetUtcNow(), options.Value.TokenLifetime), options.Value.TokenLifetime);
}
