using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Surveys.Web;
using Surveys.Web.Security;

namespace Surveys.Portal.SignIn;

/// <summary>
/// Sign-in through a hospital's OpenID Connect provider (Auth:Authority set): the authorization code flow with PKCE, the
/// portal's own cookie session (<c>surveys.portal</c>) holding the person's user name (preferred_username), roles
/// (Auth:RoleClaim) and the provider's tokens. The services' APIs are called with the person's provider access token
/// (<see cref="Apis.ProviderBearerHandler"/>); it is refreshed before it expires when the provider gave a refresh token,
/// and otherwise the session ends ("Your session has ended, sign in again"). No password is asked for or checked.
/// </summary>
public static partial class ProviderSignIn
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary><c>POST /signin/provider</c>: the sign-in page's button, which sends the person to the provider.</summary>
    public const string ChallengePath = "/signin/provider";

    /// <summary>On the sign-in page's address (<c>?session=ended</c>): the person's session ended and they must sign in again.</summary>
    public const string EndedQuery = "session";

    /// <summary>On the sign-in page's address (<c>?failed=…</c>): why the provider's sign-in did not sign the person in.</summary>
    public const string FailedQuery = "failed";

    public const string NoRole = "role";
    public const string Refused = "refused";

    private const string NoRoleMessage = "The account has none of the Surveys roles.";
    private const string EndedItem = "surveys.portal.session-ended";
    private const string IdTokenHintItem = "surveys.portal.id-token-hint";

    /// <summary>Whether staff sign in through an OpenID Connect provider (Auth:Authority) rather than with a password.</summary>
    public static bool IsEnabled(AuthOptions auth) => !string.IsNullOrEmpty(auth?.Authority);

    public static IHostApplicationBuilder AddProviderSignIn(this IHostApplicationBuilder builder, AuthOptions auth)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(auth);
        var portal = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        if (string.IsNullOrEmpty(portal.ClientId))
        {
            throw new InvalidOperationException(
                "Auth:Authority is set, so staff sign in to the portal through that OpenID Connect provider: set Portal__ClientId " +
                "(and Portal__ClientSecret for a confidential client) to the portal's client at the provider.");
        }

        builder.Services.AddSingleton<ProviderTokens>();
        builder.Services.AddAuthentication().AddOpenIdConnect(Scheme, oidc =>
        {
            oidc.Authority = auth.Authority;
            // HTTPS for the discovery document and keys, except a provider on this machine's loopback (development, tests).
            oidc.RequireHttpsMetadata = !IsLoopbackHttp(auth.Authority!);
            oidc.ClientId = portal.ClientId;
            oidc.ClientSecret = string.IsNullOrEmpty(portal.ClientSecret) ? null : portal.ClientSecret;
            oidc.ResponseType = OpenIdConnectResponseType.Code;
            oidc.UsePkce = true;
            // The code comes back on a top-level GET (not a cross-site form post): the handler's own cookies can be Lax.
            oidc.ResponseMode = OpenIdConnectResponseMode.Query;
            oidc.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            oidc.SignOutScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            oidc.CallbackPath = "/signin-oidc";
            oidc.SignedOutCallbackPath = "/signout-callback-oidc";
            oidc.SignedOutRedirectUri = "/signin";
            oidc.SaveTokens = true; // the access token, refresh token, id token and expiry, in the portal's cookie
            oidc.MapInboundClaims = false;
            oidc.GetClaimsFromUserInfoEndpoint = false;
            oidc.Scope.Clear();
            foreach (var scope in portal.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                oidc.Scope.Add(scope);
            }

            oidc.TokenValidationParameters.NameClaimType = "preferred_username";
            oidc.TokenValidationParameters.RoleClaimType = auth.RoleClaim;
            foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
            {
                cookie.SameSite = SameSiteMode.Lax;
                cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            }

            oidc.Events.OnTokenValidated = context =>
            {
                var identity = PortalIdentity(context.Principal!, context.TokenEndpointResponse?.AccessToken, auth.RoleClaim);
                if (identity is null)
                {
                    context.Fail(NoRoleMessage);
                    return Task.CompletedTask;
                }

                context.Principal = new ClaimsPrincipal(identity);
                var logger = Logger(context.HttpContext);
                var roleCount = identity.FindAll(StaffAuth.RoleClaim).Count();
                Log.SignedIn(logger, roleCount);
                return Task.CompletedTask;
            };
            oidc.Events.OnRedirectToIdentityProviderForSignOut = context =>
            {
                // The cookie is already gone when the provider's sign-out is built: the id token was kept for the request.
                if (context.HttpContext.Items.TryGetValue(IdTokenHintItem, out var hint) && hint is string idToken)
                {
                    context.ProtocolMessage.IdTokenHint = idToken;
                }

                return Task.CompletedTask;
            };
            oidc.Events.OnRemoteFailure = context =>
            {
                // The provider said no, the person cancelled, or the answer could not be checked: the sign-in page says so.
                var noRole = context.Failure?.Message == NoRoleMessage;
                var logger = Logger(context.HttpContext);
                var reason = noRole ? "no Surveys role" : context.Failure?.GetType().Name ?? "unknown";
                Log.SignInFailed(logger, reason);
                context.Response.Redirect($"/signin?{FailedQuery}={(noRole ? NoRole : Refused)}");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });

        builder.Services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, cookie =>
        {
            // The person comes back from the provider's site: a Strict cookie set there would not be sent on the way to the
            // page they asked for. Lax is still never sent on another site's form posts, and every form has an antiforgery token.
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Events.OnValidatePrincipal = KeepTokenFreshAsync;
            var redirectToLogin = cookie.Events.OnRedirectToLogin;
            cookie.Events.OnRedirectToLogin = context =>
            {
                // The session may have ended on the request for the page's stylesheet, just before this one: the marker tells.
                var marker = EndedCookieName(context.HttpContext);
                if (context.HttpContext.Items.ContainsKey(EndedItem) || context.Request.Cookies.ContainsKey(marker))
                {
                    context.RedirectUri += (context.RedirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"{EndedQuery}=ended";
                    context.Response.Cookies.Delete(marker);
                }

                return redirectToLogin(context);
            };
            var signingIn = cookie.Events.OnSigningIn;
            cookie.Events.OnSigningIn = context =>
            {
                context.Response.Cookies.Delete(EndedCookieName(context.HttpContext));
                return signingIn(context);
            };
        });
        return builder;
    }

    /// <summary><c>POST /signin/provider</c>: the sign-in page's button; sends the person to the provider, then back to the page they asked for.</summary>
    public static IEndpointRouteBuilder MapProviderSignIn(this IEndpointRouteBuilder app)
    {
        app.MapPost(ChallengePath, async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.Redirect("/signin");
            }

            var returnUrl = (await context.Request.ReadFormAsync(context.RequestAborted))["ReturnUrl"].ToString();
            return Results.Challenge(new AuthenticationProperties { RedirectUri = SignInRules.IsLocal(returnUrl) ? returnUrl : "/" }, [Scheme]);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Ends the portal session, then the provider's when it offers an end-session endpoint (with the person's id token as
    /// a hint); either way the person lands on the sign-in page.
    /// </summary>
    public static async Task<IResult> SignOutAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var idToken = await context.GetTokenAsync(CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectParameterNames.IdToken);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(Scheme);
        OpenIdConnectConfiguration? configuration = null;
        try
        {
            configuration = await options.ConfigurationManager!.GetConfigurationAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException)
        {
            var logger = Logger(context);
            var error = e.GetType().Name;
            Log.ProviderUnreachable(logger, error);
        }

        if (idToken is null || string.IsNullOrEmpty(configuration?.EndSessionEndpoint))
        {
            return Results.Redirect("/signin");
        }

        context.Items[IdTokenHintItem] = idToken;
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/signin" }, [Scheme]);
    }

    /// <summary>
    /// The portal's identity from the provider's: the user name from preferred_username, the Surveys roles from Auth:RoleClaim
    /// in the id token or, when the provider puts them in the access token only, there. Null when the person has no Surveys role.
    /// </summary>
    internal static ClaimsIdentity? PortalIdentity(ClaimsPrincipal provider, string? accessToken, string roleClaim)
    {
        var roles = provider.FindAll(roleClaim).Select(c => c.Value).ToList();
        if (roles.Count == 0 && accessToken is not null)
        {
            try
            {
                roles = [.. new JsonWebToken(accessToken).Claims.Where(c => c.Type == roleClaim).Select(c => c.Value)];
            }
            catch (ArgumentException)
            {
                // An opaque access token: the roles had to be in the id token.
            }
        }

        roles = [.. roles.Intersect(Roles.All, StringComparer.Ordinal)];
        var name = provider.FindFirst("preferred_username")?.Value ?? provider.FindFirst("sub")?.Value;
        if (roles.Count == 0 || string.IsNullOrEmpty(name))
        {
            return null;
        }

        var identity = new ClaimsIdentity(CookieAuthenticationDefaults.AuthenticationScheme, StaffAuth.NameClaim, StaffAuth.RoleClaim);
        identity.AddClaim(new Claim(StaffAuth.NameClaim, name));
        identity.AddClaims(roles.Select(r => new Claim(StaffAuth.RoleClaim, r)));
        return identity;
    }

    /// <summary>
    /// On every request with the portal's cookie: a provider access token about to expire is refreshed (and the cookie
    /// re-issued with the new tokens); without a refresh token, or when the provider refuses it, the session ends.
    /// </summary>
    private static async Task KeepTokenFreshAsync(CookieValidatePrincipalContext context)
    {
        var expiresAt = context.Properties.GetTokenValue("expires_at");
        if (expiresAt is null || !DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expires))
        {
            return;
        }

        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (expires - services.GetRequiredService<IOptions<PortalOptions>>().Value.TokenRefreshMargin > now)
        {
            return;
        }

        var refreshToken = context.Properties.GetTokenValue(OpenIdConnectParameterNames.RefreshToken);
        if (refreshToken is not null
            && await services.GetRequiredService<ProviderTokens>().RefreshAsync(refreshToken) is { } fresh)
        {
            var tokens = context.Properties.GetTokens().ToDictionary(t => t.Name, t => t.Value, StringComparer.Ordinal);
            tokens[OpenIdConnectParameterNames.AccessToken] = fresh.AccessToken;
            tokens["expires_at"] = (now + fresh.ExpiresIn).ToString("o", CultureInfo.InvariantCulture);
            if (fresh.RefreshToken is not null)
            {
                tokens[OpenIdConnectParameterNames.RefreshToken] = fresh.RefreshToken;
            }

            if (fresh.IdToken is not null)
            {
                tokens[OpenIdConnectParameterNames.IdToken] = fresh.IdToken;
            }

            context.Properties.StoreTokens(tokens.Select(t => new AuthenticationToken { Name = t.Key, Value = t.Value }));
            context.ShouldRenew = true;
            var logger = Logger(context.HttpContext);
            Log.Refreshed(logger);
            return;
        }

        var endedLogger = Logger(context.HttpContext);
        Log.SessionEnded(endedLogger, refreshToken is null ? "no refresh token" : "refresh refused");
        context.RejectPrincipal();
        context.HttpContext.Items[EndedItem] = true;
        context.Response.Cookies.Append(EndedCookieName(context.HttpContext), "1", new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            MaxAge = TimeSpan.FromMinutes(30),
        });
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>"surveys.portal.ended": set when a session ends with its token, so the next sign-in page says why.</summary>
    private static string EndedCookieName(HttpContext context) =>
        StaffAuth.CookieName(context.RequestServices.GetRequiredService<IHostEnvironment>().ApplicationName) + ".ended";

    private static bool IsLoopbackHttp(string authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address)));

    private static ILogger Logger(HttpContext context) => context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProviderSignIn));

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Signed in through the OpenID Connect provider with {RoleCount} Surveys role(s)")]
        public static partial void SignedIn(ILogger logger, int roleCount);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Sign-in through the OpenID Connect provider did not succeed: {Reason}")]
        public static partial void SignInFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "A provider access token was refreshed")]
        public static partial void Refreshed(ILogger logger);

        [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "A portal session ended with its provider access token: {Reason}")]
        public static partial void SessionEnded(ILogger logger, string reason);

        [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "The OpenID Connect provider's discovery document could not be read ({Error})")]
        public static partial void ProviderUnreachable(ILogger logger, string error);
    }
}
