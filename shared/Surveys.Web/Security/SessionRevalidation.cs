using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Surveys.Web.Security;

/// <summary>What the holder of the accounts says about a signed-in session.</summary>
public enum AccountVerdict
{
    /// <summary>The account is enabled and its password and roles are what they were at sign-in.</summary>
    Current,

    /// <summary>Disabled, removed, or its password or roles changed since sign-in: the session has ended.</summary>
    Changed,

    /// <summary>The accounts could not be asked just now (intake down or slow).</summary>
    Unknown,
}

/// <summary>Asks the holder of the staff accounts (intake) whether a session's account is unchanged (its security stamp).</summary>
public interface IAccountCheck
{
    Task<AccountVerdict> CheckAsync(ClaimsPrincipal user, CancellationToken ct);
}

/// <summary>
/// Every signed-in request (the portal's cookie, or a bearer token anywhere) is checked against the account: an answer is
/// trusted for at most <see cref="AuthOptions.SessionCheckInterval"/> (a minute), and every action (any method but GET and
/// HEAD: acknowledge, resolve, enrol ...) asks afresh. A changed account ends the session (the cookie is removed and the
/// person is sent to sign in again; a bearer token gets 401); when the accounts cannot be asked, the request is refused
/// with 503 ("could not check your account; try again"): fail closed.
/// </summary>
public sealed class SessionRevalidation(IAccountCheck check, TimeProvider time, IOptions<AuthOptions> options)
{
    private readonly ConcurrentDictionary<(string User, string Stamp), DateTimeOffset> _confirmed = new();

    /// <param name="fresh">Ask the accounts now, whatever was confirmed before (actions).</param>
    public async Task<AccountVerdict> CheckAsync(ClaimsPrincipal user, bool fresh, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var name = user.FindFirst(StaffAuth.NameClaim)?.Value;
        var stamp = user.FindFirst(StaffAuth.StampClaim)?.Value;
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(stamp))
        {
            return AccountVerdict.Changed; // issued before sessions carried a stamp
        }

        var key = (name, stamp);
        var now = time.GetUtcNow();
        if (!fresh && _confirmed.TryGetValue(key, out var confirmedAt) && now - confirmedAt < options.Value.SessionCheckInterval)
        {
            return AccountVerdict.Current;
        }

        var verdict = await check.CheckAsync(user, ct);
        if (verdict == AccountVerdict.Current)
        {
            _confirmed[key] = now;
        }
        else if (verdict == AccountVerdict.Changed)
        {
            _confirmed.TryRemove(key, out _);
        }

        return verdict;
    }
}

public static class SessionRevalidationExtensions
{
    public const string UnknownDetail = "We could not check your account just now, so nothing was changed. Try again in a moment.";
    public const string ChangedDetail = "Your session has ended: your account was disabled or its password or roles changed. Sign in again.";

    /// <summary>Registers the account check a service uses (intake: its own store; the others: intake over HTTP).</summary>
    public static IServiceCollection AddAccountCheck<TCheck>(this IServiceCollection services)
        where TCheck : class, IAccountCheck
    {
        services.AddSingleton<IAccountCheck, TCheck>();
        services.AddSingleton<SessionRevalidation>();
        return services;
    }

    /// <summary>After authentication, before authorization: see <see cref="SessionRevalidation"/>. Services without an account check skip it.</summary>
    public static IApplicationBuilder UseSessionRevalidation(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var revalidation = context.RequestServices.GetService<SessionRevalidation>();
        var user = context.User;
        if (revalidation is null || user.Identity?.IsAuthenticated != true || IsExternalToken(context, user))
        {
            await next(context);
            return;
        }

        var fresh = !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method));
        var verdict = await revalidation.CheckAsync(user, fresh, context.RequestAborted);
        if (verdict == AccountVerdict.Current)
        {
            await next(context);
            return;
        }

        var bearer = context.Request.Headers.Authorization.Count > 0;
        var allowsAnonymous = context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        if (verdict == AccountVerdict.Changed && !bearer)
        {
            // The portal's cookie: removed, and the request goes on signed out. A page that needs a sign-in sends the
            // person to the sign-in page (its return address is this page), so nothing is done in the ended session's name.
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }

        if (allowsAnonymous || (verdict == AccountVerdict.Changed && !bearer))
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity()); // sign-in pages and the like go on, signed out
            await next(context);
            return;
        }

        await RefuseAsync(context, verdict);
    });

    // A hospital's OpenID Connect provider's tokens carry no stamp: their own lifetime and the provider govern them.
    private static bool IsExternalToken(HttpContext context, ClaimsPrincipal user) =>
        context.Request.Headers.Authorization.Count > 0 && user.FindFirst(StaffAuth.StampClaim) is null
        && context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Authority is not null;

    /// <summary>Problem details: 401 "Session ended" for a bearer token of a changed account, 503 when the accounts cannot be asked.</summary>
    private static Task RefuseAsync(HttpContext context, AccountVerdict verdict) => verdict == AccountVerdict.Changed
        ? StaffAuth.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Session ended", ChangedDetail)
        : StaffAuth.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Could not check your account", UnknownDetail);
}
