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
    LockedOut,
}

/// <summary>The outcome of checking a user name and password; on success, who they are.</summary>
public sealed record SignInAttempt(SignInOutcome Outcome, ClaimsIdentity? Identity);

/// <summary>
/// Checks staff credentials: intake against its own accounts, the other services by asking intake
/// (one staff identity across the platform).
/// </summary>
public interface IStaffSignIn
{
    Task<SignInAttempt> SignInAsync(string? userName, string? password, CancellationToken ct);
}

/// <summary>The staff sign-in page (a cookie for the web pages), sign-out, and a page that says who you are.</summary>
public static class SignInPages
{
    /// <param name="home">Where a signed-in person lands when no return address was given.</param>
    public static IEndpointRouteBuilder MapSignInPages(this IEndpointRouteBuilder app, string home = "/staff")
    {
        app.MapGet("/signin", (string? returnUrl, HttpContext context, IAntiforgery antiforgery) => Form(context, antiforgery, returnUrl, null))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/signin", (
                [FromForm(Name = "userName")] string? userName, [FromForm(Name = "password")] string? password, [FromForm(Name = "returnUrl")] string? returnUrl,
                HttpContext context, IAntiforgery antiforgery, IStaffSignIn staff, AuditLog audit, CancellationToken ct) =>
                SignIn(userName, password, returnUrl, home, context, antiforgery, staff, audit, ct))
            .AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).ExcludeFromDescription();
        app.MapPost("/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        }).ExcludeFromDescription();
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
        var result = await staff.SignInAsync(userName?.Trim(), password, ct);
        var actor = result.Identity?.Name ?? (StaffNames.IsWellFormed(userName?.Trim()) ? userName!.Trim() : "unknown");
        if (result.Outcome != SignInOutcome.Succeeded)
        {
            await audit.RecordAsync(context, "sign_in", "web", result.Outcome == SignInOutcome.LockedOut ? "locked_out" : "failed", actor);
            var message = result.Outcome == SignInOutcome.LockedOut
                ? "Too many wrong passwords: this account is locked for a while. Try again later or ask an administrator."
                : "The user name or password is not right.";
            return Form(context, antiforgery, returnUrl, message);
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(result.Identity!));
        await audit.RecordAsync(context, "sign_in", "web", actor: actor);
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl! : home);
    }

    private static IResult Home(ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var roles = string.Join(", ", user.FindAll(StaffAuth.RoleClaim).Select(c => c.Value));
        return Render("Signed in", $"""
            <h1>Signed in</h1>
            <p>You are signed in as <strong>{E(user.Identity?.Name)}</strong> ({E(roles)}).</p>
            <form method="post" action="/signout">
              <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
              <button type="submit" class="button button--secondary">Sign out</button>
            </form>
            """);
    }

    private static IResult Form(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var summary = error is null ? string.Empty : $"""
            <div class="error-summary" role="alert" aria-labelledby="error-title" tabindex="-1">
              <h2 id="error-title">There is a problem</h2>
              <p><a href="#userName">{E(error)}</a></p>
            </div>
            """;
        return Render(error is null ? "Sign in" : "Error: Sign in", $"""
            {summary}
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
            """, error is null ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized);
    }

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
