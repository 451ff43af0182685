using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>
/// Hostile and malformed requests across every route, tried as an attacker would. Each must get the
/// right 4xx (never a 500, never a stack trace), nothing may be written, and the services stay ready.
/// docs/security.md summarises what is tried here.
/// </summary>
[NonParallelizable]
public partial class HostileRequestTests
{
    private static RunningSystem _system = null!;
    private static Guid _patientId;
    private static Guid _submissionId;
    private static string _freshToken = null!;
    private static string _usedToken = null!;
    private static string _expiredToken = null!;
    private static Dictionary<string, long> _before = null!;

    /// <param name="Service">intake, notifier, scoring or portal.</param>
    /// <param name="As">none, admin, nurse, operator, or a forged token's kind.</param>
    /// <param name="Body">Raw body; {fresh}, {used}, {expired}, {patient} and {submission} are replaced.</param>
    /// <param name="Accept">The Accept header, when it matters (a browser's).</param>
    public sealed record Attack(string Name, string Service, string Method, string Path, string As, string? Body, int Expected, string ContentType = "application/json", string? Accept = null)
    {
        public override string ToString() => Name;
    }

    private const string Calm = "\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0,\"6\":0,\"7\":0,\"8\":0,\"9\":0";

    public static IEnumerable<Attack> Attacks()
    {
        // The patient's link: POST /api/responses, no sign-in.
        yield return new("empty body", "intake", "POST", "/api/responses", "none", "", 400);
        yield return new("JSON null", "intake", "POST", "/api/responses", "none", "null", 400);
        yield return new("truncated JSON", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{", 400);
        // A body that is not JSON matches no endpoint: like any unmatched request without a sign-in it is refused with 401.
        yield return new("not JSON at all", "intake", "POST", "/api/responses", "none", "token={fresh}&answers=1", 401, "application/x-www-form-urlencoded");
        yield return new("text/plain body", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\"}", 401, "text/plain");
        yield return new("text/plain body from a signed-in client", "intake", "POST", "/api/responses", "admin", "{\"token\":\"{fresh}\"}", 415, "text/plain");
        yield return new("token as a number", "intake", "POST", "/api/responses", "none", "{\"token\":12345,\"answers\":{" + Calm + "}}", 400);
        yield return new("answers as an array", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":[0,1,2]}", 400);
        yield return new("answer as text", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":\"two\"}}", 400);
        yield return new("answer above range", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":4}}", 400);
        yield return new("negative answer", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":-1}}", 400);
        yield return new("fractional answer", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":1.5}}", 400);
        yield return new("enormous number", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":1e308}}", 400);
        yield return new("NaN literal", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":NaN}}", 400);
        yield return new("unknown item", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"99\":1}}", 400);
        yield return new("SQL in an item id", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1; DROP TABLE submissions;--\":1}}", 400);
        yield return new("script in an item id", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"<script>alert(1)</script>\":1}}", 400);
        yield return new("2,000 unknown items", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{" + string.Join(",", Enumerable.Range(100, 2000).Select(i => $"\"{i}\":1")) + "}}", 400);
        yield return new("answers null", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":null}", 400);
        yield return new("token missing", "intake", "POST", "/api/responses", "none", "{\"answers\":{" + Calm + "}}", 400);
        yield return new("token empty", "intake", "POST", "/api/responses", "none", "{\"token\":\"\",\"answers\":{" + Calm + "}}", 400);
        yield return new("SQL in the token", "intake", "POST", "/api/responses", "none", "{\"token\":\"' OR 1=1 --\",\"answers\":{" + Calm + "}}", 404);
        yield return new("script in the token", "intake", "POST", "/api/responses", "none", "{\"token\":\"<script>alert(1)</script>\",\"answers\":{" + Calm + "}}", 404);
        yield return new("forged token", "intake", "POST", "/api/responses", "none", "{\"token\":\"" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\",\"answers\":{" + Calm + "}}", 404);
        yield return new("10,000-character token", "intake", "POST", "/api/responses", "none", "{\"token\":\"" + new string('A', 10_000) + "\",\"answers\":{" + Calm + "}}", 404);
        yield return new("token already used", "intake", "POST", "/api/responses", "none", "{\"token\":\"{used}\",\"answers\":{" + Calm + "}}", 409);
        yield return new("expired token", "intake", "POST", "/api/responses", "none", "{\"token\":\"{expired}\",\"answers\":{" + Calm + "}}", 410);
        yield return new("unknown field (patientId smuggled in)", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"patientId\":\"{patient}\",\"answers\":{" + Calm + "}}", 400);
        yield return new("JSON with comments", "intake", "POST", "/api/responses", "none", "{/* hi */\"token\":\"{fresh}\",\"answers\":{" + Calm + "}}", 400);
        yield return new("trailing comma", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{" + Calm + "},}", 400);
        yield return new("deep nesting", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":" + new string('[', 500) + new string(']', 500) + "}}", 400);
        yield return new("100 KB body", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"pad\":\"" + new string('x', 100_000) + "\"}", 413);
        yield return new("wrong method on the link route", "intake", "PUT", "/api/responses", "none", "{}", 401);
        yield return new("wrong method from a signed-in client", "intake", "PUT", "/api/responses", "admin", "{}", 405);

        // Staff routes on intake.
        yield return new("enrol a patient without signing in", "intake", "POST", "/api/patients", "none", null, 401);
        yield return new("enrol a patient as a nurse", "intake", "POST", "/api/patients", "nurse", null, 403);
        yield return new("enrol a patient as an operator", "intake", "POST", "/api/patients", "operator", null, 403);
        yield return new("search patients without signing in", "intake", "GET", "/api/patients?q=a", "none", null, 401);
        yield return new("search patients as an operator", "intake", "GET", "/api/patients?q=a", "operator", null, 403);
        yield return new("SQL in a patient search", "intake", "GET", "/api/patients?q=%27%20OR%20%271%27%3D%271", "nurse", null, 200);
        yield return new("LIKE wildcards in a patient search", "intake", "GET", "/api/patients?q=%25_%25", "nurse", null, 200);
        yield return new("a huge page size", "intake", "GET", "/api/patients?pageSize=1000000", "nurse", null, 400);
        yield return new("a page number past int", "intake", "GET", "/api/patients?page=99999999999999999999", "nurse", null, 400);
        yield return new("a patient's answers as an operator", "intake", "GET", "/api/patients/{patient}/answers", "operator", null, 403);
        yield return new("invite without signing in", "intake", "POST", "/api/patients/{patient}/invitations", "none", "{\"instrument\":\"phq9\"}", 401);
        yield return new("invite as a nurse", "intake", "POST", "/api/patients/{patient}/invitations", "nurse", "{\"instrument\":\"phq9\"}", 403);
        yield return new("invite to a script instrument", "intake", "POST", "/api/patients/{patient}/invitations", "admin", "{\"instrument\":\"<script>alert(1)</script>\"}", 400);
        yield return new("instrument as a number", "intake", "POST", "/api/patients/{patient}/invitations", "admin", "{\"instrument\":9}", 400);
        yield return new("invite an unknown patient", "intake", "POST", $"/api/patients/{Guid.NewGuid()}/invitations", "admin", "{\"instrument\":\"phq9\"}", 404);
        yield return new("patient id that is not a GUID", "intake", "POST", "/api/patients/abc/invitations", "admin", "{\"instrument\":\"phq9\"}", 404);
        yield return new("SQL in the patient id", "intake", "POST", "/api/patients/1'%20OR%20'1'='1/invitations", "admin", "{\"instrument\":\"phq9\"}", 404);
        yield return new("submission status without signing in", "intake", "GET", "/api/responses/{submission}", "none", null, 401);
        yield return new("token signed with another key", "intake", "GET", "/api/responses/{submission}", "forged-key", null, 401);
        yield return new("expired bearer token", "intake", "GET", "/api/responses/{submission}", "forged-expired", null, 401);
        yield return new("unsigned bearer token (alg none)", "intake", "GET", "/api/responses/{submission}", "forged-none", null, 401);
        yield return new("bearer token from another issuer", "intake", "GET", "/api/responses/{submission}", "forged-issuer", null, 401);
        yield return new("garbage bearer token", "intake", "GET", "/api/responses/{submission}", "garbage", null, 401);
        yield return new("list accounts as a nurse", "intake", "GET", "/api/users", "nurse", null, 403);
        yield return new("add an account without signing in", "intake", "POST", "/api/users", "none", "{\"userName\":\"mallory\",\"roles\":[\"admin\"]}", 401);
        yield return new("add an admin as an operator", "intake", "POST", "/api/users", "operator", "{\"userName\":\"mallory\",\"roles\":[\"admin\"]}", 403);
        yield return new("path traversal user name", "intake", "POST", "/api/users", "admin", "{\"userName\":\"../etc/passwd\",\"roles\":[\"nurse\"]}", 400);
        yield return new("invented role", "intake", "POST", "/api/users", "admin", "{\"userName\":\"mallory\",\"roles\":[\"superuser\"]}", 400);
        yield return new("short password", "intake", "POST", "/api/users", "admin", "{\"userName\":\"mallory\",\"roles\":[\"nurse\"],\"password\":\"short\"}", 400);
        yield return new("disable the admin as a nurse", "intake", "DELETE", "/api/users/admin", "nurse", null, 403);
        yield return new("read the audit trail as a nurse", "intake", "GET", "/api/audit", "nurse", null, 403);
        yield return new("read the audit trail as an operator", "intake", "GET", "/api/audit", "operator", null, 403);
        yield return new("OpenAPI document without signing in", "intake", "GET", "/openapi/v1.json", "none", null, 401);
        yield return new("console audit entry as a nurse", "intake", "POST", "/api/audit/console", "nurse", "{\"action\":\"errors_purge\",\"target\":\"q\"}", 403);
        yield return new("console audit entry with an invented action", "intake", "POST", "/api/audit/console", "operator", "{\"action\":\"delete_everything\",\"target\":\"q\"}", 400);
        yield return new("intake's old operator page, as an operator", "intake", "GET", "/ops", "operator", null, 404);
        yield return new("token with a wrong password", "intake", "POST", "/api/auth/token", "none", "{\"userName\":\"admin\",\"password\":\"wrong-password-123\"}", 401);
        yield return new("token for an unknown user", "intake", "POST", "/api/auth/token", "none", "{\"userName\":\"nobody\",\"password\":\"whatever-password\"}", 401);
        yield return new("SQL in the user name", "intake", "POST", "/api/auth/token", "none", "{\"userName\":\"admin' --\",\"password\":\"x\"}", 401);
        yield return new("malformed token request", "intake", "POST", "/api/auth/token", "none", "{\"userName\":", 400);

        // Notifier.
        yield return new("alerts without signing in", "notifier", "GET", "/api/alerts", "none", null, 401);
        yield return new("alerts as an admin", "notifier", "GET", "/api/alerts", "admin", null, 403);
        yield return new("alerts as an operator", "notifier", "GET", "/api/alerts", "operator", null, 403);
        yield return new("script as alert status", "notifier", "GET", "/api/alerts?status=%3Cscript%3E", "nurse", null, 400);
        yield return new("patient id that is not a GUID in a filter", "notifier", "GET", "/api/alerts?patientId=abc", "nurse", null, 400);
        yield return new("scores as an operator", "notifier", "GET", "/api/patients/{patient}/scores", "operator", null, 403);
        yield return new("scores with a forged token", "notifier", "GET", "/api/patients/{patient}/scores", "forged-key", null, 401);
        yield return new("notifier audit as a nurse", "notifier", "GET", "/api/audit", "nurse", null, 403);

        // Scoring worker: health only.
        yield return new("scoring OpenAPI without signing in", "scoring", "GET", "/openapi/v1.json", "none", null, 401);
        yield return new("unknown route on scoring", "scoring", "GET", "/api/scores", "admin", null, 404);

        // Issue 20's findings, by area (HostileRequestTests.*.cs).
        foreach (var attack in LeakAndServerErrorAttacks().Concat(SignInAttacks()).Concat(OperatorAndDataAttacks()).Concat(PortalAttacks()))
        {
            yield return attack;
        }
    }

    [OneTimeSetUp]
    public static async Task StartAsync()
    {
        _system = await RunningSystem.StartAsync();
        _patientId = await _system.CreatePatientAsync();
        _freshToken = await _system.InviteAsync(_patientId, "phq9");
        _usedToken = await _system.InviteAsync(_patientId, "phq9");
        _submissionId = await _system.SubmitAsync(_usedToken, Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 0));
        _expiredToken = await _system.InviteAsync(_patientId, "phq9");
        await using (var intake = _system.OpenDatabase("intake"))
        {
            await using var command = intake.CreateCommand();
            // Intake keeps only the token's SHA-256: find the invitation by it and move its expiry into the past.
            command.CommandText = "UPDATE invitations SET expires_at = '2000-01-01T00:00:00.0000000+00:00' WHERE token_hash = $hash";
            command.Parameters.AddWithValue("$hash", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_expiredToken))));
            Assert.That(await command.ExecuteNonQueryAsync(), Is.EqualTo(1));
        }

        _before = await CountsAsync();
    }

    [OneTimeTearDown]
    public static async Task StopAsync() => await _system.DisposeAsync();

    private static async Task<Dictionary<string, long>> CountsAsync() => new()
    {
        ["patients"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM patients"),
        ["invitations"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM invitations"),
        ["used invitations"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM invitations WHERE used_at IS NOT NULL"),
        ["submissions"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM submissions"),
        ["staff accounts"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM staff_users"),
        ["intake outbox"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM outbox"),
        ["alerts"] = await _system.CountAsync("notifier", "SELECT COUNT(*) FROM alerts"),
    };

    [TestCaseSource(nameof(Attacks))]
    public async Task Is_refused_with_the_right_status_and_a_readable_problem(Attack attack)
    {
        var baseAddress = attack.Service switch
        {
            "notifier" => _system.Notifier.BaseAddress,
            "scoring" => _system.Service("Scoring").BaseAddress,
            "portal" => _system.Portal.BaseAddress,
            _ => _system.Intake.BaseAddress,
        };
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        using var request = new HttpRequestMessage(new HttpMethod(attack.Method), Fill(attack.Path));
        if (attack.Body is not null)
        {
            request.Content = new StringContent(Fill(attack.Body), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(attack.ContentType);
        }

        if (Bearer(attack.As) is { } bearer)
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

    [Test]
    [Order(int.MaxValue)]
    public async Task Afterwards_nothing_was_written_and_every_service_is_ready()
    {
        // Runs after the attacks (the fixture is shared); also safe on its own.
        Assert.That(await CountsAsync(), Is.EquivalentTo(_before));
        foreach (var service in _system.Services)
        {
            using var client = new HttpClient { BaseAddress = service.BaseAddress };
            Assert.That((int)(await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode, Is.EqualTo(200), service.Name);
        }
    }

    [Test]
    public void At_least_sixty_hostile_requests_are_tried()
    {
        Assert.That(Attacks().Count(), Is.GreaterThanOrEqualTo(60));
    }

    private static string Fill(string text) => text
        .Replace("{fresh}", _freshToken, StringComparison.Ordinal)
        .Replace("{used}", _usedToken, StringComparison.Ordinal)
        .Replace("{expired}", _expiredToken, StringComparison.Ordinal)
        .Replace("{patient}", _patientId.ToString(), StringComparison.Ordinal)
        .Replace("{submission}", _submissionId.ToString(), StringComparison.Ordinal);

    private static string? Bearer(string kind) => kind switch
    {
        "none" => null,
        "garbage" => "not-a-token",
        "forged-key" => Jwt(Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)), "surveys", DateTimeOffset.UtcNow.AddMinutes(10)),
        "forged-expired" => Jwt(_system.SigningKey, "surveys", DateTimeOffset.UtcNow.AddHours(-1)),
        "forged-issuer" => Jwt(_system.SigningKey, "someone-else", DateTimeOffset.UtcNow.AddMinutes(10)),
        "forged-none" => $"{B64("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{B64(Claims("surveys", DateTimeOffset.UtcNow.AddMinutes(10)))}.",
        _ => _system.Tokens[kind],
    };

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
