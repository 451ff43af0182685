using Surveys.Testing;
using static Surveys.Testing.HostileRequests;

namespace Surveys.Notifier.Tests.Security;

/// <summary>
/// The notifier's rows of the hostile-request table (docs/security.md), tried as an attacker would: each must get the
/// right 4xx (never a 500, never a stack trace), no alert may be written, and the notifier stays ready.
/// </summary>
[NonParallelizable]
public class HostileRequestTests
{
    private NotifierFactory _notifier = null!;
    private long _alertsBefore;

    public static IEnumerable<Attack> Attacks()
    {
        // The alerts API.
        yield return new("alerts without signing in", "notifier", "GET", "/api/alerts", "none", null, 401);
        yield return new("alerts as an admin", "notifier", "GET", "/api/alerts", "admin", null, 403);
        yield return new("alerts as an operator", "notifier", "GET", "/api/alerts", "operator", null, 403);
        yield return new("script as alert status", "notifier", "GET", "/api/alerts?status=%3Cscript%3E", "nurse", null, 400);
        yield return new("patient id that is not a GUID in a filter", "notifier", "GET", "/api/alerts?patientId=abc", "nurse", null, 400);
        yield return new("scores as an operator", "notifier", "GET", "/api/patients/{patient}/scores", "operator", null, 403);
        yield return new("scores with a forged token", "notifier", "GET", "/api/patients/{patient}/scores", "forged-key", null, 401);
        yield return new("notifier audit as a nurse", "notifier", "GET", "/api/audit", "nurse", null, 403);
        // Issue 20, item 15: health answers GET and HEAD only.
        yield return new("POST on the notifier's readiness", "notifier", "POST", "/health/ready", "none", "{}", 405);
        // The notifier serves no staff pages (issue 21): a signed-in client finds nothing on the old sign-in and sign-out
        // paths, and a browser without a sign-in gets 401 problem details there, never a redirect to a sign-in page.
        yield return new("the notifier's old sign-in page, signed in", "notifier", "GET", "/signin", "nurse", null, 404);
        yield return new("the notifier's old sign-out, signed in", "notifier", "POST", "/signout", "nurse", "", 404, Form);
        yield return new("the notifier's old sign-in page from a browser", "notifier", "GET", "/signin?returnUrl=%2Finbox", "none", null, 401, Accept: Html);
        yield return new("the notifier's old sign-in form posted from a browser", "notifier", "POST", "/signin", "none", "userName=nurse1&password=x", 401, Form, Html);
        // Links to the old inbox in messages already sent lead to the portal (AlertInboxTests checks where).
        yield return new("the notifier's old inbox from a browser", "notifier", "GET", "/inbox", "none", null, 301, Accept: Html);
        yield return new("the notifier's old alert page from a browser that accepts only HTML", "notifier", "GET", $"/inbox/alerts/{Guid.NewGuid()}", "none", null, 301, Accept: "text/html");
        yield return new("the notifier's old alert page with script for an id", "notifier", "GET", "/inbox/alerts/%3Cscript%3E", "none", null, 401, Accept: Html);
        // Issue 20, item 6: metrics only to operators or the scrape token, never to anyone on loopback.
        yield return new("notifier metrics without a sign-in from loopback", "notifier", "GET", "/metrics", "none", null, 401);
    }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _notifier = new NotifierFactory();
        _notifier.Start();
        _alertsBefore = await _notifier.CountAsync("SELECT COUNT(*) FROM alerts");
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _notifier.DisposeAsync();

    [TestCaseSource(nameof(Attacks))]
    public async Task Is_refused_with_the_right_status_and_a_readable_problem(Attack attack)
    {
        using var client = _notifier.Anonymous();
        var patient = Guid.NewGuid().ToString();
        await AssertRefusedAsync(client, attack, text => text.Replace("{patient}", patient, StringComparison.Ordinal),
            Bearer(attack.As, _notifier.SigningKey, role => _notifier.MintToken($"{role}1", role)));
    }

    [Test]
    [Order(int.MaxValue)]
    public async Task Afterwards_no_alert_was_written_and_the_notifier_is_ready()
    {
        // Runs after the attacks (the fixture is shared); also safe on its own.
        Assert.That(await _notifier.CountAsync("SELECT COUNT(*) FROM alerts"), Is.EqualTo(_alertsBefore));
        using var client = _notifier.Anonymous();
        var ready = await Eventually.ReadAsync(() => client.GetAsync(new Uri("/health/ready", UriKind.Relative)), r => (int)r.StatusCode == 200, TimeSpan.FromSeconds(30));
        Assert.That((int)ready.StatusCode, Is.EqualTo(200));
    }
}
