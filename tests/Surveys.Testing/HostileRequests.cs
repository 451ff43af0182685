using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Surveys.Testing;

/// <summary>
/// One hostile or malformed request (the hostile-request table, docs/security.md), tried against one service in-process.
/// </summary>
/// <param name="Service">intake, notifier, scoring or portal: which test project's table it is in.</param>
/// <param name="As">none, admin, nurse, operator, or a forged token's kind (<see cref="HostileRequests.Bearer"/>).</param>
/// <param name="Body">Raw body; placeholders such as {fresh} are replaced by the table's own fill.</param>
/// <param name="Accept">The Accept header, when it matters (a browser's).</param>
public sealed record Attack(string Name, string Service, string Method, string Path, string As, string? Body, int Expected, string ContentType = "application/json", string? Accept = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// What every hostile request must get, in every service: the right 4xx (never a 500, never a stack trace), a 401 that is
/// answered and never redirected to a sign-in page, and RFC 7807 problem details with a readable title from the APIs.
/// </summary>
public static class HostileRequests
{
    /// <summary>A PHQ-9's nine answers, all 0, as JSON members.</summary>
    public const string Calm = "\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0,\"6\":0,\"7\":0,\"8\":0,\"9\":0";

    /// <summary>Form posts.</summary>
    public const string Form = "application/x-www-form-urlencoded";

    /// <summary>What a browser's address bar asks for.</summary>
    public const string Html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    /// <summary>Sends <paramref name="attack"/> with <paramref name="client"/> (placeholders filled by <paramref name="fill"/>) and checks the answer.</summary>
    /// <param name="bearer">The bearer token to send, or null for none.</param>
    public static async Task AssertRefusedAsync(HttpClient client, Attack attack, Func<string, string> fill, string? bearer)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(attack);
        ArgumentNullException.ThrowIfNull(fill);
        using var request = new HttpRequestMessage(new HttpMethod(attack.Method), fill(attack.Path));
        if (attack.Body is not null)
        {
            request.Content = new StringContent(fill(attack.Body), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(attack.ContentType);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (attack.Accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", attack.Accept);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.That((int)response.StatusCode, Is.EqualTo(attack.Expected), body);
        Assert.That(body, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace or exception text");
        if (attack.Expected == 401)
        {
            Assert.That(response.Headers.Location, Is.Null, "a missing sign-in is answered, never sent on to a sign-in page");
        }

        if ((attack.Path.StartsWith("/api", StringComparison.Ordinal) && attack.Expected is >= 400 and < 500 && attack.Expected != 405) || attack.Expected == 401)
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
            var problem = JsonNode.Parse(body)!;
            Assert.That(problem["title"]?.GetValue<string>(), Is.Not.Null.And.Not.Empty, "a title a person can read");
        }
    }

    /// <summary>
    /// The bearer token for <paramref name="kind"/>: none, garbage, a token signed with another key, an expired one, an
    /// unsigned one (alg none), one from another issuer, or the service's own token for a role (<paramref name="tokens"/>).
    /// </summary>
    public static string? Bearer(string kind, string signingKey, Func<string, string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return kind switch
        {
            "none" => null,
            "garbage" => "not-a-token",
            "forged-key" => Jwt(Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)), "surveys", DateTimeOffset.UtcNow.AddMinutes(10)),
            "forged-expired" => Jwt(signingKey, "surveys", DateTimeOffset.UtcNow.AddHours(-1)),
            "forged-issuer" => Jwt(signingKey, "someone-else", DateTimeOffset.UtcNow.AddMinutes(10)),
            "forged-none" => $"{B64("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{B64(Claims("surveys", DateTimeOffset.UtcNow.AddMinutes(10)))}.",
            _ => tokens(kind),
        };
    }

    /// <summary>A link token nobody was given: 32 random bytes, base64url.</summary>
    public static string ForgedLinkToken() => B64(RandomNumberGenerator.GetBytes(32));

    private static string Claims(string issuer, DateTimeOffset expires) =>
        $"{{\"sub\":\"admin\",\"role\":\"admin\",\"iss\":\"{issuer}\",\"aud\":\"surveys\",\"nbf\":{DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds()},\"exp\":{expires.ToUnixTimeSeconds()}}}";

    /// <summary>An HS256 token with admin's role, signed with <paramref name="key"/>.</summary>
    private static string Jwt(string key, string issuer, DateTimeOffset expires)
    {
        var unsigned = $"{B64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")}.{B64(Claims(issuer, expires))}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{B64(signature)}";
    }

    private static string B64(string text) => B64(Encoding.UTF8.GetBytes(text));

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
