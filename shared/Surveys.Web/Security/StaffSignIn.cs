using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Surveys.Web.Security;

public enum SignInOutcome
{
    Succeeded,
    Invalid,

    /// <summary>Refused because the account and address pair is locked: answered like <see cref="Invalid"/>, told apart only in the audit trail.</summary>
    LockedOut,

    /// <summary>Not checked: intake refused the attempt for too many sign-ins from the address a minute (a sign-in relayed through intake).</summary>
    Throttled,
}

/// <summary>The outcome of checking a user name and password; on success, who they are.</summary>
public sealed record SignInAttempt(SignInOutcome Outcome, ClaimsIdentity? Identity);

/// <summary>
/// Checks staff credentials for the one staff sign-in page (the portal's): by asking intake, which holds the accounts
/// (<see cref="IntakeSignIn"/>), so there is one staff identity across the platform.
/// </summary>
public interface IStaffSignIn
{
    /// <param name="context">The sign-in request: its client address counts failures and is forwarded to intake.</param>
    Task<SignInAttempt> SignInAsync(string? userName, string? password, HttpContext context, CancellationToken ct);
}

/// <summary>
/// What a staff sign-in says, and the one check of a return address, shared by intake's token route (<c>POST
/// /api/auth/token</c>) and the portal's sign-in page, the only staff sign-in page. No page is built here.
/// </summary>
public static class SignInRules
{
    /// <summary>What every failed sign-in says, whatever the reason (a wrong password, no such account, a locked pair).</summary>
    public const string FailedSignIn = "The user name or password is not right.";

    /// <summary>What a sign-in refused by intake's rate limit says (the portal's sign-in goes through intake).</summary>
    public const string TooManyAttempts = "Too many sign-in attempts from here. Wait a minute, then try again.";

    /// <summary>
    /// The one check of a return address before any redirect after sign-in: a path on this site, i.e. a single leading
    /// <c>/</c>, no <c>//</c> and no backslash anywhere (browsers read <c>/\</c> as <c>//</c>, another site), and only
    /// visible ASCII (no control character or whitespace, which browsers strip, and nothing a header cannot carry).
    /// Anything else is ignored and the person lands on the home page.
    /// </summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && !url.Contains("//", StringComparison.Ordinal) && !url.Contains('\\')
        && url.All(c => c is > ' ' and < '\x7f');
}
