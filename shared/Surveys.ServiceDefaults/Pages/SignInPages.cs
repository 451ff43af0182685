using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Security;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.ServiceDefaults.Pages;

public enum SignInOutcome
{
    Succeeded,
    Invalid,

    /// <summary>Refused because the account and address pair is locked: answered like <see cref="Invalid"/>, told apart only in the audit trail.</summary>
    LockedOut,

    /// <summary>Not checked: intake refused the attempt for too many sign-ins from the address a minute (the notifier's sign-in).</summary>
    Throttled,
}

/// <summary>The outcome of checking a user name and password; on success, who they are.</summary>
public sealed record SignInAttempt(SignInOutcome Outcome, ClaimsIdentity? Identity);

/// <summary>
/// Checks staff credentials: intake against its own accounts, the other services by asking intake
/// (one staff identity across the platform).
/// </summary>
public interface IStaffSignIn
{
    /// <param name="context">The sign-in request: its client address counts failures and is forwarded to intake.</param>
    Task<SignInAttempt> SignInAsync(string? userName, string? password, HttpContext context, CancellationToken ct);
}

/// <summary>The staff sign-in page (a cookie for the web pages), sign-out, and a page that says who you are.</summary>
public static class SignInPages
{
    /// <summary>What every failed sign-in says, whatever the reason (a wrong password, no such account, a locked pair).</summary>
    public const string FailedSignIn = "The user name or password is not right.";

    /// <summary>What a sign-in refused by intake's rate limit says (the notifier's sign-in goes through intake).</summary>
    public const string TooManyAttempts = "Too many sign-in attempts from here. Wait a minute, then try again.";

    /// <param name="home">Where a signed-in person lands when no return address was given.</param>
    public static IEndpointRouteBuilder MapSignInPages(this IEndpointRouteBuilder app, string home = "/staff")
    {
        app.MapGet("/signin", (string? returnUrl, HttpContext context, IAntiforgery antiforgery) => Form(context, antiforgery, returnUrl))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/signin", (
                [FromForm(Name = "userName")] string? userName, [FromForm(Name = "password")] string? password, [FromForm(Name = "returnUrl")] string? returnUrl,
                HttpContext context, IAntiforgery antiforgery, IStaffSignIn staff, AuditLog audit, CancellationToken ct) =>
                SignIn(userName, password, returnUrl, home, context, antiforgery, staff, audit, ct))
            .AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).ExcludeFromDescription();
        app.MapPost("/signout", SignOut).ExcludeFromDescription();
        if (home == "/staff")
        {
            app.MapGet("/staff", Home).RequireAuthorization(Roles.AnyStaff).ExcludeFromDescription();
        }

        return app;
    }

    private static async Task<IResult> SignIn(
        string? userName, string? password, string? returnUrl, string home,
        HttpContext context, IAntiforgery antiforgery, IStaffSignIn staff, AuditLog audit, CancellationToken ct)
    {
        var result = await staff.SignInAsync(userName?.Trim(), password, context, ct);
        var actor = result.Identity?.Name ?? (StaffNames.IsWellFormed(userName?.Trim()) ? userName!.Trim() : "unknown");
        if (result.Outcome != SignInOutcome.Succeeded)
        {
            // Every failure reads alike (a locked account and address pair too); only the audit trail tells them apart.
            await audit.RecordAsync(context, "sign_in", "web", result.Outcome switch
            {
                SignInOutcome.LockedOut => "locked_out",
                SignInOutcome.Throttled => "throttled",
                _ => "failed",
            }, actor);
            return result.Outcome == SignInOutcome.Throttled
                ? Form(context, antiforgery, returnUrl, TooManyAttempts, StatusCodes.Status429TooManyRequests)
                : Form(context, antiforgery, returnUrl, FailedSignIn, StatusCodes.Status401Unauthorized);
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(result.Identity!));
        await audit.RecordAsync(context, "sign_in", "web", actor: actor);
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl! : home);
    }

    private static async Task<IResult> SignOut(ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery)
    {
        // No [FromForm] parameter, so the antiforgery token is checked here: a sign-out another site forged is refused, and
        // the person, still signed in, gets the page with a sign-out button of this site's own.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return SignedIn(user, context, antiforgery,
                "You are still signed in: that sign-out did not come from this site's own button, or the page had expired. To sign out, press Sign out below.");
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.Redirect("/signin");
    }

    private static IResult Home(ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery) => SignedIn(user, context, antiforgery, null);

    /// <summary>Who is signed in, with a sign-out button; with an error when a sign-out was refused.</summary>
    private static IResult SignedIn(ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var roles = string.Join(", ", user.FindAll(StaffAuth.RoleClaim).Select(c => c.Value));
        return Render(error is null ? "Signed in" : "Error: Signed in", $"""
            {Summary(error, "signout")}
            <h1>Signed in</h1>
            <p>You are signed in as <strong>{E(user.Identity?.Name)}</strong> ({E(roles)}).</p>
            <form method="post" action="/signout">
              <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
              <button type="submit" id="signout" class="button button--secondary">Sign out</button>
            </form>
            """, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static IResult Form(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error = null, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return Render(error is null ? "Sign in" : "Error: Sign in", $"""
            {Summary(error, "userName")}
            <h1>Sign in</h1>
            <form method="post" action="/signin" novalidate>
              <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
              <input type="hidden" name="returnUrl" value="{E(IsLocal(returnUrl) ? returnUrl : null)}">
              <div class="field">
                <label for="userName">User name</label>
                <input type="text" id="userName" name="userName" autocomplete="username" autocapitalize="none" spellcheck="false" required>
              </div>
              <div class="field">
                <label for="password">Password</label>
                <input type="password" id="password" name="password" autocomplete="current-password" required>
              </div>
              <button type="submit">Sign in</button>
            </form>
            """, status);
    }

    /// <summary>The error summary at the top of a page, linking to the field or button it is about; empty without an error.</summary>
    private static string Summary(string? error, string fieldId) => error is null ? string.Empty : $"""
        <div class="error-summary" role="alert" aria-labelledby="error-title" tabindex="-1">
          <h2 id="error-title">There is a problem</h2>
          <p><a href="#{fieldId}">{E(error)}</a></p>
        </div>
        """;

    /// <summary>
    /// The one check of a return address before any redirect after sign-in (intake and notifier): a path on this site, i.e.
    /// a single leading <c>/</c>, no <c>//</c> and no backslash anywhere (browsers read <c>/\</c> as <c>//</c>, another site),
    /// and only visible ASCII (no control character or whitespace, which browsers strip, and nothing a header cannot carry).
    /// Anything else is ignored and the person lands on the home page.
    /// </summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && !url.Contains("//", StringComparison.Ordinal) && !url.Contains('\\')
        && url.All(c => c is > ' ' and < '\x7f');
}
