using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Security;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.Intake.Staff;

/// <summary>The staff sign-in page (a cookie for the web pages), sign-out, and a page that says who you are.</summary>
public static class SignInPages
{
    public static IEndpointRouteBuilder MapSignInPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signin", (string? returnUrl, HttpContext context, IAntiforgery antiforgery) => Form(context, antiforgery, returnUrl, null))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/signin", SignIn).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).ExcludeFromDescription();
        app.MapPost("/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        }).ExcludeFromDescription();
        app.MapGet("/staff", Home).RequireAuthorization(Roles.AnyStaff).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignIn(
        [FromForm(Name = "userName")] string? userName, [FromForm(Name = "password")] string? password, [FromForm(Name = "returnUrl")] string? returnUrl,
        HttpContext context, IAntiforgery antiforgery, StaffAccounts accounts, AuditLog audit, CancellationToken ct)
    {
        var result = await accounts.SignInAsync(userName?.Trim(), password, ct);
        var actor = StaffAccounts.CheckUserName(userName?.Trim()) is null ? userName!.Trim() : "unknown";
        if (result.Outcome != SignInOutcome.Succeeded)
        {
            await audit.RecordAsync(context, "sign_in", "web", result.Outcome == SignInOutcome.LockedOut ? "locked_out" : "failed", actor);
            var message = result.Outcome == SignInOutcome.LockedOut
                ? "Too many wrong passwords: this account is locked for a while. Try again later or ask an administrator."
                : "The user name or password is not right.";
            return Form(context, antiforgery, returnUrl, message);
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(accounts.Identity(result.User!, CookieAuthenticationDefaults.AuthenticationScheme)));
        await audit.RecordAsync(context, "sign_in", "web", actor: result.User!.UserName);
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl! : "/staff");
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

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
