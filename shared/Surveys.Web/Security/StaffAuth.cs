using System.Text;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Surveys.Web.Security;

/// <summary>
/// One staff identity across the services: bearer tokens for APIs and scripts (signed by the platform's key, or by a
/// hospital's OpenID Connect provider), a cookie for staff pages, and role policies. Everything requires a signed-in user
/// unless an endpoint says AllowAnonymous (health, a patient's own link, sign-in).
/// </summary>
/// <remarks>
/// Only a service with staff pages (Razor components: the portal) accepts and issues the staff cookie; its pages send a
/// person without a session to <c>/signin</c>. Every other service (intake, the notifier, scoring) serves staff JSON APIs
/// only: bearer tokens alone, its cookie handler refuses to sign anyone in or to read a cookie, and a request that needs
/// a sign-in gets 401 problem details, never a redirect (<see cref="ServesStaffPages"/>).
/// </remarks>
public static class StaffAuth
{
    public const string Scheme = "staff";
    public const string RoleClaim = "role";
    public const string NameClaim = "sub";

    /// <summary>The account's security stamp at sign-in: it changes when the account is disabled or its password or roles change.</summary>
    public const string StampClaim = "stamp";

    /// <summary>
    /// The name of a service's cookies: "surveys.portal", "surveys.intake", ... (its antiforgery cookie adds
    /// ".antiforgery"). Cookies belong to a host, not a port, so services on one host each need their own: with one name,
    /// signing in to one replaced the other's session, and one's antiforgery cookie broke the other's forms.
    /// </summary>
    public static string CookieName(string applicationName)
    {
        ArgumentNullException.ThrowIfNull(applicationName);
        return "surveys." + applicationName[(applicationName.LastIndexOf('.') + 1)..].ToLowerInvariant();
    }

    public static IHostApplicationBuilder AddStaffAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.SessionCheckInterval >= TimeSpan.Zero && o.SessionCheckInterval <= TimeSpan.FromMinutes(1), "Auth:SessionCheckInterval must be between 0 and 00:01:00.")
            .Validate(o => o.SessionCheckTimeout > TimeSpan.Zero, "Auth:SessionCheckTimeout must be positive.")
            .ValidateOnStart();
        if (options.Authority is null && (options.SigningKey is null || options.SigningKey.Length < 32))
        {
            throw new InvalidOperationException(
                "Auth:SigningKey is missing or shorter than 32 characters. Set Auth__SigningKey in the environment to the same secret in every " +
                "service (infra/run.sh generates one on first run), or set Auth__Authority to use an OpenID Connect provider.");
        }

        builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Staff", policy => policy.ForwardDefaultSelector = context =>
                UsesCookie(context) ? CookieAuthenticationDefaults.AuthenticationScheme : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                if (options.Authority is not null)
                {
                    jwt.Authority = options.Authority;
                    jwt.Audience = options.AuthorityAudience;
                    jwt.TokenValidationParameters.RoleClaimType = options.RoleClaim;
                    jwt.TokenValidationParameters.NameClaimType = "preferred_username";
                }
                else
                {
                    jwt.TokenValidationParameters = new TokenValidationParameters
                    {
                        ValidIssuer = options.Issuer,
                        ValidAudience = options.Audience,
                        IssuerSigningKey = SigningKey(options),
                        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                        RoleClaimType = RoleClaim,
                        NameClaimType = NameClaim,
                        ClockSkew = TimeSpan.FromSeconds(30),
                    };
                }

                jwt.Events = new JwtBearerEvents
                {
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        await WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Sign-in required",
                            "Staff sign in on the staff portal. Scripts send a bearer token: get one with POST /api/auth/token (user name and password) or `surveys login`.");
                    },
                    OnForbidden = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Not allowed for your role",
                        "Your account does not have the role this needs. Ask an administrator if you should."),
                };
            })
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = CookieName(builder.Environment.ApplicationName);
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.LoginPath = "/signin";
                cookie.LogoutPath = "/signout";
                cookie.AccessDeniedPath = "/signin";
                cookie.ExpireTimeSpan = options.SessionIdleTimeout;
                cookie.SlidingExpiration = true;
                // Registered everywhere (a service's pages are known only once it is built), used only where there are staff pages.
                cookie.Events.OnValidatePrincipal = context =>
                {
                    if (!ServesStaffPages(context.HttpContext))
                    {
                        context.RejectPrincipal();
                    }

                    return Task.CompletedTask;
                };
                cookie.Events.OnSigningIn = context => ServesStaffPages(context.HttpContext)
                    ? Task.CompletedTask
                    : throw new InvalidOperationException("This service has no staff pages, so it issues no staff cookie: staff sign in on the portal, scripts with a bearer token.");
            });

        builder.Services.AddAuthorization(authorization =>
        {
            authorization.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            foreach (var role in Roles.All)
            {
                authorization.AddPolicy(role, policy => policy.RequireRole(role));
            }

            authorization.AddPolicy(Roles.AnyStaff, policy => policy.RequireRole(Roles.All));
        });
        return builder;
    }

    /// <summary>
    /// Whether this service has staff pages (it called <see cref="AddStaffPages"/>: the portal), and so a staff cookie
    /// with a sign-in page. Intake and the notifier have none: they serve staff JSON APIs to bearer tokens only (intake's
    /// patient pages are Razor components too, but not staff pages).
    /// </summary>
    public static bool ServesStaffPages(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetService<StaffPagesMarker>() is not null;
    }

    /// <summary>Declares that this service serves staff pages: the staff cookie, sign-in redirects (the portal only).</summary>
    public static IServiceCollection AddStaffPages(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<StaffPagesMarker>();
        return services;
    }

    /// <summary>The cookie for a page request of a service with staff pages; a bearer token for everything else.</summary>
    private static bool UsesCookie(HttpContext context) =>
        ServesStaffPages(context) && context.Request.Headers.Authorization.Count == 0
        && !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/openapi")
        && !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/fhir");

    /// <summary>Registered by <see cref="AddStaffPages"/>.</summary>
    private sealed class StaffPagesMarker;

    public static SymmetricSecurityKey SigningKey(AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey!));
    }

    /// <summary>
    /// Problem details, whatever the request accepts: a browser asking for HTML alone gets them too (as JSON), never a
    /// sign-in page to be sent to, nor a 500 for want of a writer.
    /// </summary>
    internal static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetailsContext { HttpContext = context, ProblemDetails = { Status = status, Title = title, Detail = detail } };
        if (!await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(problem))
        {
            await context.Response.WriteAsJsonAsync(problem.ProblemDetails, options: null, contentType: "application/problem+json");
        }
    }
}
