using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Surveys.Portal.Apis;

/// <summary>
/// With a hospital's OpenID Connect provider (Auth:Authority), every call to another service's API carries the signed-in
/// person's own access token from the provider, kept in the portal's cookie and refreshed before it expires
/// (<see cref="SignIn.ProviderSignIn"/>). The API checks it against the provider and audits the call under their name.
/// </summary>
public sealed class ProviderBearerHandler(IHttpContextAccessor context) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (context.HttpContext is { User.Identity.IsAuthenticated: true } http
            && await http.GetTokenAsync(CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectParameterNames.AccessToken) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
