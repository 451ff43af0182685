using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Surveys.Web.Security;

/// <summary>The platform's bearer tokens, which every service accepts (<see cref="StaffAuth"/>): signed with Auth:SigningKey.</summary>
public static class StaffTokens
{
    /// <summary>A token for <paramref name="subject"/> (its name, account stamp and roles), valid from now for <paramref name="lifetime"/>.</summary>
    public static string Create(ClaimsIdentity subject, AuthOptions auth, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(auth);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = subject,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.UtcDateTime + lifetime,
            SigningCredentials = new SigningCredentials(StaffAuth.SigningKey(auth), SecurityAlgorithms.HmacSha256),
        });
    }
}
