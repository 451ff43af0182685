using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests.Security;

/// <summary>
/// Issue 20, items 5 and 7: lockout by address, and the address intake audits for a sign-in through the portal, with
/// intake's real accounts. Hostile return addresses, the old sign-in pages of intake and the notifier, and the portal's
/// sign-in rows run in the functional tests (tests/Surveys.Portal.Tests, Surveys.Intake.Tests, Surveys.Notifier.Tests).
/// </summary>
public partial class HostileRequestTests
{
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
