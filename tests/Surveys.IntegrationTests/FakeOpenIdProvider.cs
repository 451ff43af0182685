using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Surveys.IntegrationTests;

/// <summary>
/// A hospital's OpenID Connect provider, small and in-process (Kestrel on a free loopback port): a discovery document,
/// an RSA key (JWKS), an authorize endpoint that signs in <see cref="NextUser"/> at once (no login form), a token endpoint
/// that checks the client, the redirect address and PKCE (S256) and issues an id token and an access token for
/// <see cref="Audience"/> with the roles in <see cref="RoleClaim"/>, refresh tokens when asked to, and an end-session
/// endpoint. Whatever it refuses is kept in <see cref="Problems"/>, so a test sees why a sign-in failed.
/// </summary>
public sealed class FakeOpenIdProvider : IAsyncDisposable
{
    private readonly RSA _key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Grant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private int _authorizations;
    private int _codeRedemptions;
    private int _refreshes;
    private int _endSessions;

    public FakeOpenIdProvider()
    {
        Issuer = $"http://127.0.0.1:{ServiceProcess.FreePort()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(Issuer);
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", Discovery);
        _app.MapGet("/jwks", () => Results.Json(new JsonObject { ["keys"] = new JsonArray(Jwk()) }));
        _app.MapGet("/authorize", Authorize);
        _app.MapPost("/token", TokenAsync);
        _app.MapGet("/logout", EndSession);
    }

    /// <summary>The provider's issuer, which the services are given as Auth__Authority.</summary>
    public string Issuer { get; }

    public string ClientId { get; } = "surveys-portal";

    public string ClientSecret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public string Audience { get; } = "surveys-api";

    /// <summary>Not the default ("roles"): the portal and the APIs must read the claim they are told to.</summary>
    public string RoleClaim { get; } = "groups";

    public string KeyId { get; } = "test-key-1";

    /// <summary>Who the next visit to the authorize endpoint signs in.</summary>
    public (string UserName, string[] Roles) NextUser { get; set; } = ("nurse.oidc", ["nurse"]);

    /// <summary>How long the access tokens it issues live (expires_in and exp).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether the token endpoint gives a refresh token (and accepts grant_type=refresh_token).</summary>
    public bool IssueRefreshTokens { get; set; }

    public int Authorizations => _authorizations;

    public int CodeRedemptions => _codeRedemptions;

    public int Refreshes => _refreshes;

    public int EndSessions => _endSessions;

    /// <summary>The id_token_hint of the last end-session request, checked against the tokens it issued.</summary>
    public bool LastEndSessionHadValidHint { get; private set; }

    /// <summary>Every request it refused, and why.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>The settings that point every service at this provider (the portal as client <see cref="ClientId"/>).</summary>
    /// <remarks>
    /// The services' bearer scheme requires HTTPS for the discovery document; this provider is plain HTTP on loopback, so
    /// their JwtBearer options are relaxed through ASP.NET Core's own configuration section, which also needs the issuer
    /// and audience spelled out again (that section replaces the token validation parameters).
    /// </remarks>
    public Dictionary<string, string> Settings() => new()
    {
        ["Auth__Authority"] = Issuer,
        ["Auth__AuthorityAudience"] = Audience,
        ["Auth__RoleClaim"] = RoleClaim,
        ["Portal__ClientId"] = ClientId,
        ["Portal__ClientSecret"] = ClientSecret,
        ["Portal__ProviderName"] = "Northside Hospital",
        ["Authentication__Schemes__Bearer__RequireHttpsMetadata"] = "false",
        ["Authentication__Schemes__Bearer__ValidIssuer"] = Issuer,
        ["Authentication__Schemes__Bearer__ValidAudiences__0"] = Audience,
    };

    public Task StartAsync() => _app.StartAsync();

    /// <summary>An access token as the provider would give a script or a test acting as that person.</summary>
    public string AccessToken(string userName, params string[] roles) => Sign(AccessTokenClaims(userName, roles, AccessTokenLifetime));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
    }

    private IResult Discovery() => Results.Json(new JsonObject
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = $"{Issuer}/authorize",
        ["token_endpoint"] = $"{Issuer}/token",
        ["jwks_uri"] = $"{Issuer}/jwks",
        ["end_session_endpoint"] = $"{Issuer}/logout",
        ["response_types_supported"] = new JsonArray("code"),
        ["response_modes_supported"] = new JsonArray("query"),
        ["grant_types_supported"] = new JsonArray("authorization_code", "refresh_token"),
        ["subject_types_supported"] = new JsonArray("public"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["code_challenge_methods_supported"] = new JsonArray("S256"),
        ["scopes_supported"] = new JsonArray("openid", "profile", "offline_access"),
        ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "client_secret_basic"),
    });

    private IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        var redirect = q["redirect_uri"].ToString();
        string? problem = null;
        if (q["client_id"] != ClientId)
        {
            problem = "unknown client_id";
        }
        else if (!Uri.TryCreate(redirect, UriKind.Absolute, out var redirectUri) || !IPAddress.TryParse(redirectUri.Host, out var host)
            || !IPAddress.IsLoopback(host) || redirectUri.AbsolutePath != "/signin-oidc")
        {
            problem = $"redirect_uri not registered: {redirect}";
        }
        else if (q["response_type"] != "code")
        {
            problem = "response_type must be code";
        }
        else if (q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
        {
            problem = "PKCE (S256) is required";
        }
        else if (!q["scope"].ToString().Split(' ').Contains("openid"))
        {
            problem = "scope must include openid";
        }

        if (problem is not null)
        {
            Problems.Enqueue($"authorize: {problem}");
            return Results.BadRequest(problem);
        }

        Interlocked.Increment(ref _authorizations);
        var code = Random();
        var (userName, roles) = NextUser;
        _codes[code] = new Grant(userName, roles, q["nonce"].ToString(), q["code_challenge"].ToString(), redirect, q["scope"].ToString());
        var separator = redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return Results.Redirect($"{redirect}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(q["state"].ToString())}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var (clientId, clientSecret) = ((string?)form["client_id"], (string?)form["client_secret"]);
        if (request.Headers.Authorization.ToString() is { } basic && basic.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic["Basic ".Length..])).Split(':', 2);
            (clientId, clientSecret) = (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }

        if (clientId != ClientId || clientSecret != ClientSecret)
        {
            return Refuse("invalid_client", "token: wrong client id or secret");
        }

        Grant? grant;
        switch (form["grant_type"].ToString())
        {
            case "authorization_code":
                if (!_codes.TryRemove(form["code"].ToString(), out grant))
                {
                    return Refuse("invalid_grant", "token: unknown or used code");
                }

                if (form["redirect_uri"] != grant.RedirectUri)
                {
                    return Refuse("invalid_grant", "token: redirect_uri differs from the authorize request's");
                }

                var verifier = form["code_verifier"].ToString();
                if (string.IsNullOrEmpty(verifier) || Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.CodeChallenge)
                {
                    return Refuse("invalid_grant", "token: the PKCE code_verifier does not match the code_challenge");
                }

                Interlocked.Increment(ref _codeRedemptions);
                break;
            case "refresh_token":
                if (!IssueRefreshTokens || !_refreshTokens.TryRemove(form["refresh_token"].ToString(), out grant))
                {
                    return Refuse("invalid_grant", "token: unknown or used refresh token");
                }

                Interlocked.Increment(ref _refreshes);
                break;
            default:
                return Refuse("unsupported_grant_type", $"token: grant_type {form["grant_type"]}");
        }

        var now = DateTimeOffset.UtcNow;
        var idToken = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = Subject(grant.UserName),
            ["aud"] = ClientId,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds(),
            ["preferred_username"] = grant.UserName,
            ["name"] = grant.UserName,
            [RoleClaim] = new JsonArray([.. grant.Roles.Select(r => JsonValue.Create(r))]),
        };
        if (!string.IsNullOrEmpty(grant.Nonce))
        {
            idToken["nonce"] = grant.Nonce;
        }

        var response = new JsonObject
        {
            ["access_token"] = Sign(AccessTokenClaims(grant.UserName, grant.Roles, AccessTokenLifetime)),
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)AccessTokenLifetime.TotalSeconds,
            ["id_token"] = Sign(idToken),
            ["scope"] = grant.Scope,
        };
        if (IssueRefreshTokens)
        {
            var refresh = Random();
            _refreshTokens[refresh] = grant;
            response["refresh_token"] = refresh;
        }

        return Results.Json(response);
    }

    private IResult EndSession(HttpRequest request)
    {
        Interlocked.Increment(ref _endSessions);
        var hint = request.Query["id_token_hint"].ToString();
        LastEndSessionHadValidHint = hint.Split('.') is [var header, var payload, var signature]
            && _key.VerifyData(Encoding.ASCII.GetBytes($"{header}.{payload}"), FromBase64Url(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var back = request.Query["post_logout_redirect_uri"].ToString();
        if (!Uri.TryCreate(back, UriKind.Absolute, out var backUri) || backUri.AbsolutePath != "/signout-callback-oidc")
        {
            Problems.Enqueue($"logout: post_logout_redirect_uri not registered: {back}");
            return Results.BadRequest("post_logout_redirect_uri not registered");
        }

        var state = request.Query["state"].ToString();
        return Results.Redirect(string.IsNullOrEmpty(state) ? back : $"{back}?state={Uri.EscapeDataString(state)}");
    }

    private JsonObject AccessTokenClaims(string userName, string[] roles, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = Subject(userName),
            ["aud"] = Audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
            ["client_id"] = ClientId,
            ["preferred_username"] = userName,
            [RoleClaim] = new JsonArray([.. roles.Select(r => JsonValue.Create(r))]),
        };
    }

    private IResult Refuse(string error, string problem)
    {
        Problems.Enqueue(problem);
        return Results.Json(new JsonObject { ["error"] = error }, statusCode: StatusCodes.Status400BadRequest);
    }

    private string Sign(JsonObject payload)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = KeyId };
        var content = $"{Base64Url(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload))}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{content}.{Base64Url(signature)}";
    }

    private JsonObject Jwk()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = KeyId,
            ["n"] = Base64Url(parameters.Modulus!),
            ["e"] = Base64Url(parameters.Exponent!),
        };
    }

    private static string Subject(string userName) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(userName))[..16]).ToString();

    private static string Random() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }

    private sealed record Grant(string UserName, string[] Roles, string Nonce, string CodeChallenge, string RedirectUri, string Scope);
}
