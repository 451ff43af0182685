using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Surveys.Web;
using Surveys.Web.Security;

namespace Surveys.Portal.SignIn;

/// <summary>
/// One sign-in for every role: the portal's own cookie (<c>surveys.portal</c>), passwords checked by intake, which holds
/// the accounts, lockout and the sign-in audit (<see cref="IntakeSignIn"/>), and sessions checked against the account
/// at least once a minute (a disabled account or changed roles end them). With Auth:Authority set, staff sign in through
/// that OpenID Connect provider instead, and no password is asked for (<see cref="ProviderSignIn"/>).
/// </summary>
public static class PortalSignIn
{
    /// <summary>Where a signed-in person is sent when a page needs a role they do not have.</summary>
    public const string NotAllowedPath = "/not-allowed";

    public static IHostApplicationBuilder AddPortalSignIn(this IHostApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme,
            cookie => cookie.AccessDeniedPath = NotAllowedPath);
        if (ProviderSignIn.IsEnabled(auth))
        {
            // No passwords and no account checks with intake: the provider holds the accounts (ProviderSignIn).
            return builder.AddProviderSignIn(auth);
        }

        builder.Services.AddHttpClient<IStaffSignIn, IntakeSignIn>(ToIntake);
        builder.Services.AddHttpClient(RemoteAccountCheck.ClientName, ToIntake);
        builder.Services.AddAccountCheck<RemoteAccountCheck>();
        return builder;
    }

    /// <summary>
    /// <c>POST /signout</c>, from the button in every page's header. A sign-out another site forged (no valid antiforgery
    /// token) is refused: the person stays signed in and the home page says so, with a sign-out button of this site's own.
    /// With an OpenID Connect provider, the provider's session ends too when it offers that (<see cref="ProviderSignIn.SignOutAsync"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapSignOut(this IEndpointRouteBuilder app)
    {
        app.MapPost("/signout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.Redirect("/?signout=refused");
            }

            if (ProviderSignIn.IsEnabled(context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value))
            {
                return await ProviderSignIn.SignOutAsync(context);
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        }).ExcludeFromDescription();
        if (ProviderSignIn.IsEnabled(app.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value))
        {
            app.MapProviderSignIn();
        }

        return app;
    }

    private static void ToIntake(IServiceProvider services, HttpClient http)
    {
        var portal = services.GetRequiredService<IOptions<PortalOptions>>().Value;
        http.BaseAddress = portal.IntakeUrl;
        http.Timeout = portal.ApiTimeout;
    }
}
