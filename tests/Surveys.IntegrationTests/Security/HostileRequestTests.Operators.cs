using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Surveys.Testing;

namespace Surveys.IntegrationTests.Security;

/// <summary>Issue 20, items 4 and 9: the pipeline page, the development outbox and audited reads (item 6's and 11's rows: intake's functional tests).</summary>
public partial class HostileRequestTests
{
    private static IEnumerable<Attack> OperatorAndDataAttacks()
    {
        // Item 9: reads of the development outbox are refused to others (and audited: Reads_of_accounts_audit_and_outbox_are_audited).
        yield return new("development outbox as a nurse", "intake", "GET", "/api/dev/outbox", "nurse", null, 403);
        yield return new("development outbox as an operator", "intake", "GET", "/api/dev/outbox", "operator", null, 403);
    }

    // Item 4: the pipeline page reads configured addresses and its own listening address only, never the Host header's.
    [TestCase("127.0.0.1:99999")]
    [TestCase("listener")]
    [TestCase("evil.example")]
    public async Task Pipeline_page_ignores_a_hostile_Host_header(string host)
    {
        // A port of ours that would see any request the page makes to the Host header's address.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var hostHeader = host == "listener" ? $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}" : host;
        using var portal = await _system.PortalSessionAsync("operator1", _system.OperatorPassword);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/pipeline");
        Assert.That(request.Headers.TryAddWithoutValidation("Host", hostHeader), Is.True); // sent as given, even a port out of range

        using var response = await portal.SendAsync(request);
        var page = await response.Content.ReadAsStringAsync();

        // A Host header the server itself cannot read (a port out of range) may be refused with 400; never a 5xx.
        Assert.That((int)response.StatusCode, host.EndsWith(":99999", StringComparison.Ordinal) ? Is.AnyOf(200, 400) : Is.EqualTo(200), page);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.That(PortalForms.Text(page), Does.Contain("portal Healthy"), "the portal's own readiness, read at its own address");
        }

        Assert.That(listener.Pending(), Is.False, "no request went to the address in the Host header");
    }

    [Test]
    public async Task Reads_of_accounts_audit_and_outbox_are_audited()
    {
        using var admin = new HttpClient { BaseAddress = _system.Intake.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _system.Tokens["admin"]);
        var reads = new Dictionary<string, string> { ["/api/users"] = "users_view", ["/api/audit"] = "audit_view", ["/api/dev/outbox"] = "dev_outbox_view" };
        foreach (var (path, action) in reads)
        {
            var before = await _system.CountAsync("intake", $"SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND actor = 'admin'");
            using var response = await admin.GetAsync(new Uri(path, UriKind.Relative));
            Assert.That((int)response.StatusCode, Is.EqualTo(200), path);
            Assert.That(await _system.CountAsync("intake", $"SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND actor = 'admin'"), Is.EqualTo(before + 1), path);
        }

        // Who and how many, never what: the outbox entry holds a count, not a link or an address.
        Assert.That(await _system.CountAsync("intake", "SELECT COUNT(*) FROM audit_events WHERE action = 'dev_outbox_view' AND target NOT LIKE 'messages=%'"), Is.Zero);
        Assert.That(await _system.CountAsync("intake", "SELECT COUNT(*) FROM audit_events WHERE action = 'users_view' AND target NOT LIKE 'accounts=%'"), Is.Zero);
    }
}
