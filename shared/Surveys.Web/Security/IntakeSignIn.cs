using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.AspNetCore.Http;

namespace Surveys.Web.Security;

/// <summary>Signs staff in to the portal with their platform account, which intake checks.</summary>
/// <remarks>
/// The <see cref="HttpClient"/> given has intake's address. Intake sees the person's address, not the web front's
/// (<see cref="RelayedClientAddress"/>): each has her own rate limit, lockout count and audit address. Intake's "too
/// many sign-ins" (429) is shown as such, not as a wrong password.
/// </remarks>
public sealed class IntakeSignIn(HttpClient http, IOptions<AuthOptions> auth, TimeProvider time) : IStaffSignIn
{
    public async Task<SignInAttempt> SignInAsync(string? userName, string? password, HttpContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
        {
            return new SignInAttempt(SignInOutcome.Invalid, null);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, RelayedClientAddress.Route) { Content = JsonContent.Create(new { userName, password }) };
        if (RelayedClientAddress.Create(auth.Value, context.Connection.RemoteIpAddress, time.GetUtcNow()) is { } relayed)
        {
            request.Headers.Add(RelayedClientAddress.Header, relayed);
        }

        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return new SignInAttempt(SignInOutcome.Throttled, null);
        }

        if (!response.IsSuccessStatusCode)
        {
            return new SignInAttempt(SignInOutcome.Invalid, null);
        }

        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);

        var identity = new ClaimsIdentity(CookieAuthenticationDefaults.AuthenticationScheme, StaffAuth.NameClaim, StaffAuth.RoleClaim);
        identity.AddClaim(new Claim(StaffAuth.NameClaim, body!["userName"]!.GetValue<string>()));
        // The account's stamp, from the token intake issued: the cookie session is checked against it (SessionRevalidation).
        if (new JsonWebToken(body["accessToken"]!.GetValue<string>()).TryGetPayloadValue<string>(StaffAuth.StampClaim, out var stamp))
        {
            identity.AddClaim(new Claim(StaffAuth.StampClaim, stamp));
        }

        foreach (var role in body["roles"]!.AsArray())
        {
            identity.AddClaim(new Claim(StaffAuth.RoleClaim, role!.GetValue<string>()));
        }

        return new SignInAttempt(SignInOutcome.Succeeded, identity);
    }
}
