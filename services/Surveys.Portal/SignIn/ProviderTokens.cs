using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Surveys.Portal.SignIn;

/// <summary>A provider's answer to a refresh: the new access token, how long it lives, and new refresh and id tokens if it gave them.</summary>
public sealed record RefreshedTokens(string AccessToken, TimeSpan ExpiresIn, string? RefreshToken, string? IdToken);

/// <summary>
/// Refreshes a person's provider access token at the provider's token endpoint (grant_type=refresh_token, as the portal's
/// client), over the OpenID Connect handler's own back channel. Null when the provider refuses or cannot be reached.
/// </summary>
/// <remarks>
/// A page and its stylesheet arrive together with the same expired token, and providers that rotate refresh tokens take
/// each one once: requests with the same refresh token within a minute share one refresh and its answer.
/// </remarks>
public sealed partial class ProviderTokens(IOptionsMonitor<OpenIdConnectOptions> monitor, IOptions<PortalOptions> portal, TimeProvider time, ILogger<ProviderTokens> logger)
{
    private static readonly TimeSpan ShareFor = TimeSpan.FromMinutes(1);
    // Lazy: ConcurrentDictionary.GetOrAdd may run its factory on two racing requests and keep one result; only the kept
    // Lazy is ever started, so one refresh token is sent to the provider once (a second use is refused by rotating providers).
    private readonly ConcurrentDictionary<string, (Lazy<Task<RefreshedTokens?>> Refresh, DateTimeOffset Started)> _recent = new(StringComparer.Ordinal);

    public Task<RefreshedTokens?> RefreshAsync(string refreshToken)
    {
        var now = time.GetUtcNow();
        foreach (var old in _recent.Where(r => now - r.Value.Started > ShareFor))
        {
            _recent.TryRemove(old);
        }

        // Kept by a hash of the refresh token, never the token itself; not cancelled with one request, as others may wait on it.
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));
        return _recent.GetOrAdd(key, _ => (new Lazy<Task<RefreshedTokens?>>(() => SendAsync(refreshToken)), now)).Refresh.Value;
    }

    private async Task<RefreshedTokens?> SendAsync(string refreshToken)
    {
        var options = monitor.Get(ProviderSignIn.Scheme);
        try
        {
            using var timeout = new CancellationTokenSource(portal.Value.ApiTimeout);
            var configuration = await options.ConfigurationManager!.GetConfigurationAsync(timeout.Token);
            var form = new Dictionary<string, string>
            {
                [OpenIdConnectParameterNames.GrantType] = OpenIdConnectGrantTypes.RefreshToken,
                [OpenIdConnectParameterNames.RefreshToken] = refreshToken,
                [OpenIdConnectParameterNames.ClientId] = options.ClientId!,
            };
            if (!string.IsNullOrEmpty(options.ClientSecret))
            {
                form[OpenIdConnectParameterNames.ClientSecret] = options.ClientSecret;
            }

            using var response = await options.Backchannel.PostAsync(new Uri(configuration.TokenEndpoint), new FormUrlEncodedContent(form), timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                Log.Refused(logger, (int)response.StatusCode);
                return null;
            }

            var body = await response.Content.ReadFromJsonAsync<JsonObject>(timeout.Token);
            var accessToken = (string?)body?["access_token"];
            if (string.IsNullOrEmpty(accessToken))
            {
                Log.Refused(logger, (int)response.StatusCode);
                return null;
            }

            var expiresIn = body!["expires_in"] is JsonValue seconds && seconds.TryGetValue<int>(out var s) ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(5);
            return new RefreshedTokens(accessToken, expiresIn, (string?)body["refresh_token"], (string?)body["id_token"]);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException or System.Text.Json.JsonException)
        {
            var error = e.GetType().Name;
            Log.Unreachable(logger, error);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "The OpenID Connect provider refused to refresh an access token ({Status})")]
        public static partial void Refused(ILogger logger, int status);

        [LoggerMessage(EventId = 4112, Level = LogLevel.Warning, Message = "The OpenID Connect provider could not be asked to refresh an access token ({Error})")]
        public static partial void Unreachable(ILogger logger, string error);
    }
}
