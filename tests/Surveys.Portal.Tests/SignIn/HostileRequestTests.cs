using System.Net;
using static Surveys.Testing.HostileRequests;

namespace Surveys.Portal.Tests.SignIn;

/// <summary>
/// The portal's rows of the hostile-request table (docs/security.md): its sign-in, sign-out and pages tried as an attacker
/// would, each answered with the right status and never a 500 or a stack trace; and sign-ins with hostile return
/// addresses, which land on this site's home page, never on another site. What needs intake's real accounts (lockout by
/// address, the audit of the nurse's own address) stays in the system suite's HostileRequestTests.
/// </summary>
[NonParallelizable]
public class HostileRequestTests
{
    private PortalFactory _portal = null!;

    public static IEnumerable<Attack> Attacks()
    {
        yield return new("portal home without signing in", "portal", "GET", "/", "none", null, 302);
        yield return new("portal development outbox without signing in", "portal", "GET", "/dev/outbox", "none", null, 302);
        yield return new("portal page for another role", "portal", "GET", "/dev/outbox", "operator", null, 403);
        yield return new("portal sign-in page with a tab in the return address", "portal", "GET", "/signin?ReturnUrl=%2F%09%2Fevil.example", "none", null, 200);
        yield return new("portal sign-in page with CR/LF in the return address", "portal", "GET", "/signin?ReturnUrl=%2F%0d%0aSet-Cookie:%20x=1", "none", null, 200);
        yield return new("portal sign-in without antiforgery token", "portal", "POST", "/signin", "none", "_handler=signin&Form.UserName=admin&Form.Password=x", 400, Form);
        yield return new("portal sign-in with a forged antiforgery token", "portal", "POST", "/signin", "none", "_handler=signin&__csrf=forged&Form.UserName=admin&Form.Password=x", 400, Form);
        yield return new("portal sign-in naming no form", "portal", "POST", "/signin", "none", "Form.UserName=admin", 400, Form);
        yield return new("portal sign-out without signing in", "portal", "POST", "/signout", "none", "", 302, Form);
        yield return new("portal sign-in with a 300 KB body", "portal", "POST", "/signin", "none", "_handler=signin&Form.UserName=" + new string('a', 300_000), 400, Form);
    }

    /// <summary>A sign-in with a return address.</summary>
    public sealed record SignInFlow(string Name, string Service, string ReturnUrl, string ExpectedLocation)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<SignInFlow> SignInFlows()
    {
        yield return new("portal: a vertical tab in the return address", "portal", "/alerts\vx", "/");
        yield return new("portal: CR/LF after a path", "portal", "/alerts\r\nSet-Cookie: x=1", "/");
        yield return new("portal: two slashes (another site to a browser)", "portal", "//evil.example/steal", "/");
        yield return new("portal: two slashes after a path", "portal", "/alerts//evil.example", "/");
        yield return new("portal: a path outside ASCII", "portal", "/caf\u00e9", "/");
        yield return new("portal: a tab after the slash (//evil.example to a browser)", "portal", "/\t/evil.example", "/");
        yield return new("portal: CR/LF in the return address", "portal", "/\r\nSet-Cookie: x=1", "/");
        yield return new("portal: a backslash after the slash", "portal", "/\\evil.example", "/");
        yield return new("portal: another site", "portal", "https://evil.example/", "/");
        yield return new("portal: a path on this site is followed", "portal", "/dev/outbox?from=list", "/dev/outbox?from=list");
    }

    [OneTimeSetUp]
    public void Start() => _portal = (PortalFactory)new PortalFactory().WithAccount("nurse1", "nurse").Start();

    [OneTimeTearDown]
    public async Task StopAsync() => await _portal.DisposeAsync();

    [TestCaseSource(nameof(Attacks))]
    public async Task Is_refused_with_the_right_status_and_a_readable_problem(Attack attack)
    {
        using var client = _portal.Anonymous();
        await AssertRefusedAsync(client, attack, text => text, Bearer(attack.As, _portal.SigningKey, role => _portal.MintToken($"{role}1", role)));
    }

    [TestCaseSource(nameof(SignInFlows))]
    public async Task A_sign_in_with_a_hostile_return_address_lands_on_the_home_page(SignInFlow flow)
    {
        using var browser = _portal.Browser();

        using var response = await browser.SignInAsync("nurse1", PortalFactory.PasswordOf("nurse1"), flow.ReturnUrl);

        Assert.That((int)response.StatusCode, Is.EqualTo(302), await response.Content.ReadAsStringAsync());
        var location = new Uri(browser.Http.BaseAddress!, response.Headers.Location!);
        Assert.That(location.PathAndQuery, Is.EqualTo(flow.ExpectedLocation));
        Assert.That(location.Host, Is.EqualTo(browser.Http.BaseAddress!.Host), "never another site");
    }
}
