using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using static Surveys.Testing.HostileRequests;

namespace Surveys.Intake.Tests.Security;

/// <summary>
/// Intake's rows of the hostile-request table (docs/security.md), tried as an attacker would: each must get the right 4xx
/// (never a 500, never a stack trace), nothing may be written, and intake stays ready. The notifier's, the scoring
/// worker's and the portal's rows are in their own test projects; what needs several services (sign-in through the
/// portal, lockout by address, the pipeline page, audited reads) stays in the system suite's HostileRequestTests, and so
/// does the 100 KB body on /api/responses: its 413 is Kestrel's request limit, which the in-memory test server does not have.
/// </summary>
[NonParallelizable]
public class HostileRequestTests
{
    private IntakeFactory _intake = null!;
    private Guid _patientId;
    private Guid _submissionId;
    private string _freshToken = null!;
    private string _usedToken = null!;
    private string _expiredToken = null!;
    private Dictionary<string, long> _before = null!;

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
        yield return new("forged token", "intake", "POST", "/api/responses", "none", "{\"token\":\"" + ForgedLinkToken() + "\",\"answers\":{" + Calm + "}}", 404);
        yield return new("10,000-character token", "intake", "POST", "/api/responses", "none", "{\"token\":\"" + new string('A', 10_000) + "\",\"answers\":{" + Calm + "}}", 404);
        yield return new("token already used", "intake", "POST", "/api/responses", "none", "{\"token\":\"{used}\",\"answers\":{" + Calm + "}}", 409);
        yield return new("expired token", "intake", "POST", "/api/responses", "none", "{\"token\":\"{expired}\",\"answers\":{" + Calm + "}}", 410);
        yield return new("unknown field (patientId smuggled in)", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"patientId\":\"{patient}\",\"answers\":{" + Calm + "}}", 400);
        yield return new("JSON with comments", "intake", "POST", "/api/responses", "none", "{/* hi */\"token\":\"{fresh}\",\"answers\":{" + Calm + "}}", 400);
        yield return new("trailing comma", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{" + Calm + "},}", 400);
        yield return new("deep nesting", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":" + new string('[', 500) + new string(']', 500) + "}}", 400);
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

        // Item 1: a browser that blocks cookies has no antiforgery cookie; the readable 400 page logs a warning, which must
        // not carry the link (PrivacyTests greps every log and the traces for it).
        yield return new("survey answer without the antiforgery cookie", "intake", "POST", "/s/{fresh}/q/1", "none", "answer=1", 400, Form);
        yield return new("send the survey without the antiforgery cookie", "intake", "POST", "/s/{fresh}/send", "none", "", 400, Form);
        // Item 2: a token that cannot go into a Location header gets the readable "not recognised" page, not a 500.
        yield return new("CR/LF in a token on the confirmation page", "intake", "GET", "/s/abc%0d%0aSet-Cookie:%20x=1/sent", "none", null, 404);
        yield return new("non-ASCII token on the confirmation page", "intake", "GET", "/s/%C3%A9/sent", "none", null, 404);
        yield return new("CR/LF in a token on the survey page", "intake", "GET", "/s/abc%0d%0a/q/1", "none", null, 404);
        yield return new("FHIR response over 64 KB", "intake", "POST", "/fhir/QuestionnaireResponse", "none",
            "{\"resourceType\":\"QuestionnaireResponse\",\"text\":{\"status\":\"generated\",\"div\":\"" + new string('x', 100_000) + "\"}}", 413, "application/fhir+json");
        // Item 2: an answer is accepted only when it is exactly one of the item's values; these read as 0 before.
        yield return new("answer written as 1e-400", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":1e-400," + Calm[(Calm.IndexOf(',', StringComparison.Ordinal) + 1)..] + "}}", 400);
        yield return new("answer smaller than a decimal holds", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":0.00000000000000000000000000001," + Calm[(Calm.IndexOf(',', StringComparison.Ordinal) + 1)..] + "}}", 400);
        yield return new("answer as a string holding 1e-400", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":\"1e-400\"," + Calm[(Calm.IndexOf(',', StringComparison.Ordinal) + 1)..] + "}}", 400);
        // Item 15: health answers GET and HEAD only.
        yield return new("TRACE on intake's liveness", "intake", "TRACE", "/health/live", "none", null, 405);
        yield return new("HEAD on readiness", "intake", "HEAD", "/health/ready", "none", null, 200);

        // Intake and the notifier serve no staff pages (issue 21): a signed-in client finds nothing on the old sign-in,
        // sign-out and home paths, and a browser without a sign-in gets 401 problem details there, never a redirect to a
        // sign-in page that does not exist (the main test checks every 401 for a Location header and problem details).
        yield return new("intake's old sign-in page, signed in", "intake", "GET", "/signin", "admin", null, 404);
        yield return new("intake's old sign-in form posted, signed in", "intake", "POST", "/signin", "admin", "userName=admin&password=x", 404, Form);
        yield return new("intake's old sign-out, signed in", "intake", "POST", "/signout", "admin", "", 404, Form);
        yield return new("intake's old staff home, signed in", "intake", "GET", "/staff", "admin", null, 404);
        yield return new("intake's old sign-in page from a browser", "intake", "GET", "/signin?returnUrl=%2Fstaff", "none", null, 401, Accept: Html);
        yield return new("intake's old sign-in form posted from a browser", "intake", "POST", "/signin", "none", "userName=admin&password=x", 401, Form, Html);
        yield return new("intake's old sign-out from a browser", "intake", "POST", "/signout", "none", "", 401, Form, Html);
        yield return new("intake's old staff home from a browser that accepts only HTML", "intake", "GET", "/staff", "none", null, 401, Accept: "text/html");
        // Item 5: a locked account is answered like any failure (the lockout itself: below, and SecurityTests through the portal).
        yield return new("token for a disabled or unknown account", "intake", "POST", "/api/auth/token", "none", "{\"userName\":\"admin.old\",\"password\":\"whatever-password\"}", 401);

        // Item 6: metrics only to operators or the scrape token, never to anyone on loopback (a proxy on the same host).
        yield return new("metrics without a sign-in from loopback", "intake", "GET", "/metrics", "none", null, 401);
        yield return new("metrics as a nurse", "intake", "GET", "/metrics", "nurse", null, 403);

        // Item 11: the console's audit entries take only the shapes the console writes.
        yield return new("console audit entry of a real purge", "intake", "POST", "/api/audit/console", "operator", "{\"action\":\"errors_purge\",\"target\":\"//scoring-score-submission_error\",\"outcome\":\"about 3\"}", 204);
        yield return new("console audit entry naming a patient", "intake", "POST", "/api/audit/console", "operator", "{\"action\":\"errors_purge\",\"target\":\"Jane Doe, 12 High Street\"}", 400);
        yield return new("console audit entry on a work queue", "intake", "POST", "/api/audit/console", "operator", "{\"action\":\"errors_purge\",\"target\":\"//scoring-score-submission\"}", 400);
        yield return new("console audit entry with script", "intake", "POST", "/api/audit/console", "operator", "{\"action\":\"errors_replay\",\"target\":\"//<script>alert(1)</script>_error\"}", 400);
        yield return new("console audit entry with a forged line", "intake", "POST", "/api/audit/console", "operator", "{\"action\":\"errors_replay\",\"target\":\"//q_error\\n2026-01-01 admin user_disable ok\"}", 400);
        yield return new("console audit entry with a trailing line break", "intake", "POST", "/api/audit/console", "operator", "{\"action\":\"errors_purge\",\"target\":\"//q_error\\n\"}", 400);
        yield return new("console audit entry with a free-text outcome", "intake", "POST", "/api/audit/console", "operator", "{\"action\":\"errors_replay\",\"target\":\"//q_error\",\"outcome\":\"nothing happened, ignore this\"}", 400);
        yield return new("console audit entry with a 10,000-character message id", "intake", "POST", "/api/audit/console", "operator", "{\"action\":\"errors_replay\",\"target\":\"//q_error id " + new string('a', 10_000) + "\"}", 400);
    }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _intake = await IntakeFactory.StartAsync();
        _patientId = await _intake.CreatePatientAsync();
        _freshToken = await _intake.InviteAsync(_patientId, "phq9");
        _usedToken = await _intake.InviteAsync(_patientId, "phq9");
        _submissionId = await _intake.SubmitAsync(_usedToken, Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 0));
        _expiredToken = await _intake.InviteAsync(_patientId, "phq9");
        // Intake keeps only the token's SHA-256: find the invitation by it and move its expiry into the past.
        Assert.That(await _intake.ExecuteAsync(
            "UPDATE invitations SET expires_at = '2000-01-01T00:00:00.0000000+00:00' WHERE token_hash = @hash",
            new { hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_expiredToken))) }), Is.EqualTo(1));
        _before = await CountsAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _intake.DisposeAsync();

    private async Task<Dictionary<string, long>> CountsAsync() => new()
    {
        ["patients"] = await _intake.CountAsync("SELECT COUNT(*) FROM patients"),
        ["invitations"] = await _intake.CountAsync("SELECT COUNT(*) FROM invitations"),
        ["used invitations"] = await _intake.CountAsync("SELECT COUNT(*) FROM invitations WHERE used_at IS NOT NULL"),
        ["submissions"] = await _intake.CountAsync("SELECT COUNT(*) FROM submissions"),
        ["staff accounts"] = await _intake.CountAsync("SELECT COUNT(*) FROM staff_users"),
        ["intake outbox"] = await _intake.CountAsync("SELECT COUNT(*) FROM outbox"),
    };

    [TestCaseSource(nameof(Attacks))]
    public async Task Is_refused_with_the_right_status_and_a_readable_problem(Attack attack)
    {
        using var client = _intake.Anonymous();
        await AssertRefusedAsync(client, attack, Fill, Bearer(attack.As, _intake.SigningKey, role => _intake.Tokens[role]));
    }

    [Test]
    [Order(int.MaxValue)]
    public async Task Afterwards_nothing_was_written_and_intake_is_ready()
    {
        // Runs after the attacks (the fixture is shared); also safe on its own.
        Assert.That(await CountsAsync(), Is.EquivalentTo(_before));
        using var client = _intake.Anonymous();
        Assert.That((int)(await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode, Is.EqualTo(200));
    }

    [Test]
    public void At_least_sixty_hostile_requests_are_tried()
    {
        Assert.That(Attacks().Count(), Is.GreaterThanOrEqualTo(60));
    }

    /// <summary>Item 2 on the survey page (a form with its antiforgery token, so not an <see cref="Attack"/>): 29 decimal places read as 0 before.</summary>
    [Test]
    public async Task A_survey_page_answer_a_decimal_cannot_hold_exactly_is_refused()
    {
        using var browser = _intake.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var question = await browser.GetStringAsync(new Uri($"/s/{_freshToken}/q/1", UriKind.Relative));
        var antiforgery = Regex.Match(question, "name=\"__csrf\" value=\"([^\"]+)\"").Groups[1].Value;
        var answered = await browser.PostAsync(new Uri($"/s/{_freshToken}/q/1", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = antiforgery, ["answer"] = "0.00000000000000000000000000001",
        }));
        Assert.That(answered.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "refused with the question shown again");
        Assert.That(await answered.Content.ReadAsStringAsync(), Does.Contain("error-message"));
    }

    private string Fill(string text) => text
        .Replace("{fresh}", _freshToken, StringComparison.Ordinal)
        .Replace("{used}", _usedToken, StringComparison.Ordinal)
        .Replace("{expired}", _expiredToken, StringComparison.Ordinal)
        .Replace("{patient}", _patientId.ToString(), StringComparison.Ordinal)
        .Replace("{submission}", _submissionId.ToString(), StringComparison.Ordinal);
}
