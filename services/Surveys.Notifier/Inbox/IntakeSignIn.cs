using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.IdentityModel.JsonWebTokens;
using Surveys.ServiceDefaults.Pages;
using Surveys.ServiceDefaults.Security;

namespace Surveys.Notifier.Inbox;

/// <summary>Signs nurses in to the inbox with their platform account, which intake checks.</summary>
public sealed class IntakeSignIn(HttpClient http) : IStaffSignIn
{
    public async Task<SignInAttempt> SignInAsync(string? userName, string? password, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
        {
            return new SignInAttempt(SignInOutcome.Invalid, null);
        }

        using var response = await http.PostAsJsonAsync("/api/auth/token", new { userName, password }, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        if (!response.IsSuccessStatusCode)
        {
            var locked = body?["title"]?.GetValue<string>() == "Account locked";
            return new SignInAttempt(locked ? SignInOutcome.LockedOut : SignInOutcome.Invalid, null);
        }

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
