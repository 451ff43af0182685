using Microsoft.Extensions.Options;
using Surveys.Portal.SignIn;
using Surveys.Web.Security;

namespace Surveys.Portal.Apis;

/// <summary>
/// The portal reads and changes everything through the services' own JSON APIs; it keeps no data of its own. Each call
/// carries the signed-in person's bearer token: a two-minute one the portal signs (<see cref="StaffBearerHandler"/>), or
/// with a hospital's OpenID Connect provider, the person's own access token from it (<see cref="ProviderBearerHandler"/>).
/// </summary>
public static class ServiceApis
{
    public static IHostApplicationBuilder AddServiceApis(this IHostApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.AddHttpContextAccessor();
        if (ProviderSignIn.IsEnabled(auth))
        {
            // A hospital's OpenID Connect provider: the APIs accept its tokens only, so each call carries the person's own.
            builder.Services.AddTransient<ProviderBearerHandler>();
            builder.Services.AddHttpClient<IntakeApi>((services, http) => Configure(services, http, o => o.IntakeUrl)).AddHttpMessageHandler<ProviderBearerHandler>();
            builder.Services.AddHttpClient<NotifierApi>((services, http) => Configure(services, http, o => o.NotifierUrl)).AddHttpMessageHandler<ProviderBearerHandler>();
            return builder;
        }

        if (string.IsNullOrEmpty(auth.SigningKey))
        {
            throw new InvalidOperationException(
                "The portal needs Auth:SigningKey (the same secret as the other services) to call their APIs for the person signed in, " +
                "or Auth:Authority with Portal:ClientId to sign staff in through an OpenID Connect provider.");
        }

        builder.Services.AddTransient<StaffBearerHandler>();
        builder.Services.AddHttpClient<IntakeApi>((services, http) => Configure(services, http, o => o.IntakeUrl)).AddHttpMessageHandler<StaffBearerHandler>();
        builder.Services.AddHttpClient<NotifierApi>((services, http) => Configure(services, http, o => o.NotifierUrl)).AddHttpMessageHandler<StaffBearerHandler>();
        return builder;
    }

    private static void Configure(IServiceProvider services, HttpClient http, Func<PortalOptions, Uri> address)
    {
        var portal = services.GetRequiredService<IOptions<PortalOptions>>().Value;
        http.BaseAddress = address(portal);
        http.Timeout = portal.ApiTimeout;
    }
}
