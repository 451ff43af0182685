using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Surveys.Web.Security;

/// <summary>
/// The account check of a service that does not hold the accounts: it asks intake (<c>POST /api/auth/session</c>) with a
/// one-minute token carrying the session's own name, roles and stamp, and waits at most <see cref="AuthOptions.SessionCheckTimeout"/>.
/// 200: current; 401 or 403: changed; anything else, or no answer in time: unknown (the request is refused).
/// </summary>
public sealed class RemoteAccountCheck(IHttpClientFactory clients, IOptions<AuthOptions> options, TimeProvider time) : IAccountCheck
{
    /// <summary>The named HttpClient whose BaseAddress is intake's.</summary>
    public const string ClientName = "accounts";

    public async Task<AccountVerdict> CheckAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var auth = options.Value;
        if (auth.SigningKey is null)
        {
            return AccountVerdict.Unknown;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var claims = user.Claims.Where(c => c.Type is StaffAuth.NameClaim or StaffAuth.RoleClaim or StaffAuth.StampClaim).Select(c => new Claim(c.Type, c.Value));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = new ClaimsIdentity(claims, "session-check"),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + TimeSpan.FromMinutes(1),
            SigningCredentials = new SigningCredentials(StaffAuth.SigningKey(auth), SecurityAlgorithms.HmacSha256),
        });

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(auth.SessionCheckTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/session");
            request.Headers.Authorization = new("Bearer", token);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => AccountVerdict.Current,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => AccountVerdict.Changed,
                _ => AccountVerdict.Unknown,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return AccountVerdict.Unknown;
        }
    }
}
