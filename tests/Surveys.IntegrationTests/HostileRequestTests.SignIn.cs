using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>
/// Issue 20, items 2 (returnUrl), 3, 5, 7 and 10: sign-in, redirects, lockout, sign-out; and issue 21: the portal's is the
/// only staff sign-in page, intake's and the notifier's old ones are gone.
/// </summary>
public partial class HostileRequestTests
{
    /// <summary>What a browser's address bar asks for.</summary>
    private const string Html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    private static IEnumerable<Attack> SignInAttacks()
    {
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
        yield return new("the notifier's old sign-in page, signed in", "notifier", "GET", "/signin", "nurse", null, 404);
        yield return new("the notifier's old sign-out, signed in", "notifier", "POST", "/signout", "nurse", "", 404, Form);
        yield return new("the notifier's old sign-in page from a browser", "notifier", "GET", "/signin?returnUrl=%2Finbox", "none", null, 401, Accept: Html);
        yield return new("the notifier's old sign-in form posted from a browser", "notifier", "POST", "/signin", "none", "userName=nurse1&password=x", 401, Form, Html);
        // Links to the old inbox in messages already sent lead to the portal (AlertInboxTests checks where).
        yield return new("the notifier's old inbox from a browser", "notifier", "GET", "/inbox", "none", null, 301, Accept: Html);
        yield return new("the notifier's old alert page from a browser that accepts only HTML", "notifier", "GET", $"/inbox/alerts/{Guid.NewGuid()}", "none", null, 301, Accept: "text/html");
        yield return new("the notifier's old alert page with script for an id", "notifier", "GET", "/inbox/alerts/%3Cscript%3E", "none", null, 401, Accept: Html);
        // Item 5: a locked account is answered like any failure (the lockout itself: below, and SecurityTests through the portal).
        yield return new("token for a disabled or unknown account", "intake", "POST", "/api/auth/token", "none", "{\"userName\":\"admin.old\",\"password\":\"whatever-password\"}", 401);
    }

    /// <summary>A sign-in with a return address, from a loopback address of its own (its own rate-limit bucket and lockout count).</summary>
    public sealed record SignInFlow(string Name, string Service, string ReturnUrl, string ExpectedLocation)
    {
        public override string ToString() => Name;
    }

    /// <summary>Hostile return addresses on the portal's sign-in besides <see cref="PortalSignInFlows"/>.</summary>
    public static IEnumerable<SignInFlow> SignInFlows()
    {
        yield return new("portal: a vertical tab in the return address", "portal", "/alerts\vx", "/");
        yield return new("portal: CR/LF after a path", "portal", "/alerts\r\nSet-Cookie: x=1", "/");
        yield return new("portal: two slashes (another site to a browser)", "portal", "//evil.example/steal", "/");
        yield return new("portal: two slashes after a path", "portal", "/alerts//evil.example", "/");
        yield return new("portal: a path outside ASCII", "portal", "/caf\u00e9", "/");
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

    [TestCaseSource(nameof(PortalSignInFlows))]
    [TestCaseSource(nameof(SignInFlows))]
    public async Task A_sign_in_with_a_hostile_return_address_lands_on_the_home_page(SignInFlow flow)
    {
        using var browser = LoopbackBrowser(out _, _system.Portal.BaseAddress);

        using var response = await PortalForms.SignInAsync(browser, "nurse1", _system.NursePassword, flow.ReturnUrl);

        Assert.That((int)response.StatusCode, Is.EqualTo(302), await response.Content.ReadAsStringAsync());
        Assert.That(PortalForms.Location(browser, response).PathAndQuery, Is.EqualTo(flow.ExpectedLocation));
        Assert.That(PortalForms.Location(browser, response).Host, Is.EqualTo(_system.Portal.BaseAddress.Host), "never another site");
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
    public async Task A_nurse_signing_in_on_the_portal_is_counted_and_audited_at_her_own_address()
    {
        using var nurse = LoopbackBrowser(out var nurseAddress, _system.Portal.BaseAddress);
        using var signedIn = await PortalForms.SignInAsync(nurse, "nurse1", _system.NursePassword);
        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await signedIn.Content.ReadAsStringAsync());

        // Someone else claims an address to intake without the portal's signature: it is not believed.
        using var forger = LoopbackBrowser(out var forgerAddress, _system.Intake.BaseAddress);
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { userName = "nurse1", password = "forged-password" }) };
        forged.Headers.Add("X-Surveys-Client", "10.9.9.9");
        (await forger.SendAsync(forged)).Dispose();

        var trail = (await _system.IntakeClient.GetFromJsonAsync<JsonArray>("/api/audit?action=sign_in&limit=1000"))!.Select(e => e!.AsObject()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(trail.Any(e => (string?)e["target"] == "api_token" && (string?)e["actor"] == "nurse1" && (string?)e["outcome"] == "ok"
                && (string?)e["clientAddress"] == nurseAddress.ToString()), Is.True, "intake records the nurse's address, not the portal's");
            Assert.That(trail.Any(e => (string?)e["outcome"] == "failed" && (string?)e["clientAddress"] == forgerAddress.ToString()), Is.True, "the forger's own address");
            Assert.That(trail.Any(e => (string?)e["clientAddress"] == "10.9.9.9"), Is.False);
        });
    }
}
