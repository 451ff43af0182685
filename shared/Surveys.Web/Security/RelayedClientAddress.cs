using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Surveys.Web.Security;

/// <summary>
/// The notifier signs nurses in by asking intake (<c>POST /api/auth/token</c>), so intake would see the notifier's address
/// for every nurse: one rate-limit bucket for all of them, one address in the audit trail and in the lockout count. The
/// notifier therefore sends the nurse's address in <see cref="Header"/>, as a one-minute token signed with the platform's
/// key (Auth:SigningKey, which only the services hold) for an audience of its own, and intake takes the address from it
/// for that one route, before the rate limiter. An unsigned, expired or otherwise wrong header is ignored: the request
/// counts as coming from its sender, as any other.
/// </summary>
public static class RelayedClientAddress
{
    public const string Header = "X-Surveys-Client";

    /// <summary>The only route that takes a relayed address.</summary>
    public const string Route = "/api/auth/token";

    private const string Audience = "surveys-client-address";
    private const string AddressClaim = "client_address";

    /// <summary>The header's value for <paramref name="address"/>; null when there is no platform key to sign with (an OpenID Connect set-up).</summary>
    public static string? Create(AuthOptions auth, IPAddress? address, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(auth);
        if (address is null || auth.SigningKey is null)
        {
            return null;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim(AddressClaim, address.ToString())]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.UtcDateTime + TimeSpan.FromMinutes(1),
            SigningCredentials = new SigningCredentials(StaffAuth.SigningKey(auth), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The address a valid header carries; null for anything else.</summary>
    public static async Task<IPAddress?> ReadAsync(AuthOptions auth, string? header)
    {
        ArgumentNullException.ThrowIfNull(auth);
        if (string.IsNullOrEmpty(header) || auth.SigningKey is null)
        {
            return null;
        }

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(header, new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = StaffAuth.SigningKey(auth),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        return result.IsValid && result.Claims.TryGetValue(AddressClaim, out var value) && IPAddress.TryParse(value as string, out var address) ? address : null;
    }

    /// <summary>On <see cref="Route"/>, a validly signed header replaces the connection's address (before the rate limiter).</summary>
    public static IApplicationBuilder UseRelayedClientAddress(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Headers.TryGetValue(Header, out var header))
        {
            context.Request.Headers.Remove(Header);
            if (context.Request.Path.Equals(Route, StringComparison.OrdinalIgnoreCase)
                && await ReadAsync(context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value, header.ToString()) is { } address)
            {
                context.Connection.RemoteIpAddress = address;
            }
        }

        await next(context);
    });
}
