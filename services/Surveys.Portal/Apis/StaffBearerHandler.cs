using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Surveys.Web.Security;

namespace Surveys.Portal.Apis;

/// <summary>
/// Every call to another service's API carries a bearer token for the person signed in to the portal: their name,
/// account stamp and roles, signed with the platform's key and valid for two minutes. The API decides what they may do
/// and audits it under their name, exactly as for a token from <c>POST /api/auth/token</c>.
/// </summary>
public sealed class StaffBearerHandler(IHttpContextAccessor context, IOptions<AuthOptions> auth, TimeProvider time) : DelegatingHandler
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (context.HttpContext?.User.Identity is ClaimsIdentity { IsAuthenticated: true } person)
        {
            var subject = new ClaimsIdentity(person.Claims.Where(c => c.Type is StaffAuth.NameClaim or StaffAuth.StampClaim or StaffAuth.RoleClaim),
                "bearer", StaffAuth.NameClaim, StaffAuth.RoleClaim);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StaffTokens.Create(subject, auth.Value, time.GetUtcNow(), Lifetime));
        }

        return base.SendAsync(request, cancellationToken);
    }
}
