using Microsoft.Extensions.Options;
using Surveys.ServiceDefaults.Security;

namespace Surveys.Portal.Apis;

/// <summary>The portal reads and changes everything through the services' own JSON APIs; it keeps no data of its own.</summary>
public static class ServiceApis
{
    public static IHostApplicationBuilder AddServiceApis(this IHostApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (auth.SigningKey is null)
        {
            throw new InvalidOperationException(
                "The portal needs Auth:SigningKey (the same secret as the other services) to call their APIs for the person signed in; " +
                "an OpenID Connect provider alone (Auth:Authority) is not enough yet.");
        }

        builder.Services.AddHttpContextAccessor();
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
