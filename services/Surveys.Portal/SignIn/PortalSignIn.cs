using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Surveys.ServiceDefaults.Pages;
using Surveys.ServiceDefaults.Security;

namespace Surveys.Portal.SignIn;

/// <summary>
/// One sign-in for every role: the portal's own cookie (<c>surveys.portal</c>), passwords checked by intake, which holds
/// the accounts, lockout and the sign-in audit (<see cref="IntakeSignIn"/>), and sessions checked against the account
/// at least once a minute (a disabled account or changed roles end them).
/// </summary>
public static class PortalSignIn
{
    /// <summary>Where a signed-in person is sent when a page needs a role they do not have.</summary>
    public const string NotAllowedPath = "/not-allowed";

    public static IHostApplicationBuilder AddPortalSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient<IStaffSignIn, IntakeSignIn>(ToIntake);
        builder.Services.AddHttpClient(RemoteAccountCheck.ClientName, ToIntake);
        builder.Services.AddAccountCheck<RemoteAccountCheck>();
        builder.Services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme,
            cookie => cookie.AccessDeniedPath = NotAllowedPath);
        return builder;
    }

    /// <summary>
    /// <c>POST /signout</c>, from the button in every page's header. A sign-out another site forged (no valid antiforgery
    /// token) is refused: the person stays signed in and the home page says so, with a sign-out button of this site's own.
    /// </summary>
    public static IEndpointRouteBuilder MapSignOut(this IEndpointRouteBuilder app)
    {
        app.MapPost("/signout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.Redirect("/?signout=refused");
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        }).ExcludeFromDescription();
        return app;
    }

    private static void ToIntake(IServiceProvider services, HttpClient http)
    {
        var portal = services.GetRequiredService<IOptions<PortalOptions>>().Value;
        http.BaseAddress = portal.IntakeUrl;
        http.Timeout = portal.ApiTimeout;
    }
}
