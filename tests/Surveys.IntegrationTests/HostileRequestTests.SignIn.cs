using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Surveys.IntegrationTests;

/// <summary>Issue 20, items 2 (returnUrl), 3, 5, 7 and 10: sign-in, redirects, lockout, sign-out.</summary>
public partial class HostileRequestTests
{
    private static IEnumerable<Attack> SignInAttacks()
    {
        // Item 2 and 3: the form never carries a bad return address on (the sign-ins themselves are SignInFlows below).
        yield return new("sign-in page with a tab in the return address", "intake", "GET", "/signin?returnUrl=%2F%09%2Fevil.example", "none", null, 200);
        yield return new("sign-in page with CR/LF in the return address", "intake", "GET", "/signin?returnUrl=%2Fstaff%0d%0aSet-Cookie:%20x=1", "none", null, 200);
        yield return new("inbox sign-in page with a vertical tab in the return address", "notifier", "GET", "/signin?returnUrl=%2Finbox%0bx", "none", null, 200);
        // Item 10: a sign-out without this site's antiforgery token (as a forged cross-site form would send) is refused.
        yield return new("sign-out without antiforgery token", "intake", "POST", "/signout", "admin", "", 400, "application/x-www-form-urlencoded");
        yield return new("sign-out with a forged antiforgery token", "intake", "POST", "/signout", "admin", "__csrf=forged", 400, "application/x-www-form-urlencoded");
        yield return new("inbox sign-out without antiforgery token", "notifier", "POST", "/signout", "nurse", "", 400, "application/x-www-form-urlencoded");
        // Item 5: a locked account is answered like any failure (SignInFlows: the lockout itself, from another address).
        yield return new("token for a disabled or unknown account", "intake", "POST", "/api/auth/token", "none", "{\"userName\":\"admin.old\",\"password\":\"whatever-password\"}", 401);
    }

    /// <summary>A sign-in with a return address, from a loopback address of its own (its own rate-limit bucket and lockout count).</summary>
    public sealed record SignInFlow(string Name, string Service, string ReturnUrl, string ExpectedLocation)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<SignInFlow> SignInFlows()
    {
        yield return new("intake: a tab after the slash (//evil.example to a browser)", "intake", "/\t/evil.example", "/staff");
        yield return new("intake: CR/LF in the return address", "intake", "/staff\r\nSet-Cookie: x=1", "/staff");
        yield return new("intake: a vertical tab in the return address", "intake", "/staff\vx", "/staff");
        yield return new("intake: a backslash after the slash", "intake", "/\\evil.example", "/staff");
        yield return new("intake: a path on this site is followed", "intake", "/staff/patients/new?from=list", "/staff/patients/new?from=list");
        yield return new("notifier: a tab after the slash", "notifier", "/\t/evil.example", "/inbox");
        yield return new("notifier: CR/LF in the return address", "notifier", "/inbox\r\nSet-Cookie: x=1", "/inbox");
        yield return new("notifier: a vertical tab in the return address", "notifier", "/inbox\vx", "/inbox");
    }

    private static int _nextLoopback = 10;

    /// <summary>A browser-like client (cookies, no redirects followed) whose connections come from its own 127.0.0.x.</summary>
    private static HttpClient LoopbackBrowser(out IPAddress address, Uri baseAddress)
    {
        var from = IPAddress.Parse($"127.0.0.{Interlocked.Increment(ref _nextLoopback)}");
        address = from;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex SignInAntiforgeryField();

    private static async Task<HttpResponseMessage> SignInThroughFormAsync(HttpClient browser, string userName, string password, string? returnUrl = null)
    {
        var form = await browser.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var fields = new Dictionary<string, string> { ["__csrf"] = SignInAntiforgeryField().Match(form).Groups[1].Value, ["userName"] = userName, ["password"] = password };
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }

        return await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    [TestCaseSource(nameof(SignInFlows))]
    public async Task A_sign_in_with_a_hostile_return_address_lands_on_the_home_page(SignInFlow flow)
    {
        using var browser = LoopbackBrowser(out _, flow.Service == "notifier" ? _system.Notifier.BaseAddress : _system.Intake.BaseAddress);

        using var response = await SignInThroughFormAsync(browser, "nurse1", _system.NursePassword, flow.ReturnUrl);

        Assert.That((int)response.StatusCode, Is.EqualTo(302), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo(flow.ExpectedLocation));
    }

    [Test]
    public async Task Anyone_guessing_the_admins_password_locks_only_their_own_address_and_learns_nothing()
    {
        using var attacker = LoopbackBrowser(out _, _system.Intake.BaseAddress);
        var answers = new List<JsonObject>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            using var wrong = await attacker.PostAsJsonAsync("/api/auth/token", new { userName = "admin", password = $"guess-{attempt}-password" });
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            answers.Add((await wrong.Content.ReadFromJsonAsync<JsonObject>())!);
        }

        using var unknown = await attacker.PostAsJsonAsync("/api/auth/token", new { userName = "nobody-here", password = "guess-password" });
        using var right = await attacker.PostAsJsonAsync("/api/auth/token", new { userName = "admin", password = _system.AdminPassword });
        var rightAnswer = (await right.Content.ReadFromJsonAsync<JsonObject>())!;
        using var admin = LoopbackBrowser(out _, _system.Intake.BaseAddress);
        using var elsewhere = await admin.PostAsJsonAsync("/api/auth/token", new { userName = "admin", password = _system.AdminPassword });
        var users = await _system.IntakeClient.GetFromJsonAsync<JsonArray>("/api/users");

        Assert.Multiple(async () =>
        {
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the guessing address is locked");
            Assert.That(answers.Append(rightAnswer).Append((await unknown.Content.ReadFromJsonAsync<JsonObject>())!).Select(a => (string?)a["title"] + "|" + (string?)a["detail"]).Distinct(),
                Has.Exactly(1).Items, "a locked account, a wrong password and an unknown name are answered alike");
            Assert.That(elsewhere.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the admin signs in from anywhere else");
            Assert.That(users!.Single(u => (string?)u!["userName"] == "admin")!["lockedOut"]!.GetValue<bool>(), Is.True, "administrators see the lock");
        });
    }

    [Test]
    public async Task A_nurse_signing_in_on_the_inbox_is_counted_and_audited_at_her_own_address()
    {
        using var nurse = LoopbackBrowser(out var nurseAddress, _system.Notifier.BaseAddress);
        using var signedIn = await SignInThroughFormAsync(nurse, "nurse1", _system.NursePassword);
        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await signedIn.Content.ReadAsStringAsync());

        // Someone else claims an address to intake without the notifier's signature: it is not believed.
        using var forger = LoopbackBrowser(out var forgerAddress, _system.Intake.BaseAddress);
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { userName = "nurse1", password = "forged-password" }) };
        forged.Headers.Add("X-Surveys-Client", "10.9.9.9");
        (await forger.SendAsync(forged)).Dispose();

        var trail = (await _system.IntakeClient.GetFromJsonAsync<JsonArray>("/api/audit?action=sign_in&limit=1000"))!.Select(e => e!.AsObject()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(trail.Any(e => (string?)e["target"] == "api_token" && (string?)e["actor"] == "nurse1" && (string?)e["outcome"] == "ok"
                && (string?)e["clientAddress"] == nurseAddress.ToString()), Is.True, "intake records the nurse's address, not the notifier's");
            Assert.That(trail.Any(e => (string?)e["outcome"] == "failed" && (string?)e["clientAddress"] == forgerAddress.ToString()), Is.True, "the forger's own address");
            Assert.That(trail.Any(e => (string?)e["clientAddress"] == "10.9.9.9"), Is.False);
        });
    }
}
