namespace Surveys.IntegrationTests;

/// <summary>The staff portal (issue 21) tried as an attacker would: its sign-in, sign-out and pages.</summary>
public partial class HostileRequestTests
{
    private static IEnumerable<Attack> PortalAttacks()
    {
        yield return new("portal home without signing in", "portal", "GET", "/", "none", null, 302);
        yield return new("portal development outbox without signing in", "portal", "GET", "/dev/outbox", "none", null, 302);
        yield return new("portal page for another role", "portal", "GET", "/dev/outbox", "operator", null, 403);
        yield return new("portal sign-in page with a tab in the return address", "portal", "GET", "/signin?ReturnUrl=%2F%09%2Fevil.example", "none", null, 200);
        yield return new("portal sign-in page with CR/LF in the return address", "portal", "GET", "/signin?ReturnUrl=%2F%0d%0aSet-Cookie:%20x=1", "none", null, 200);
        yield return new("portal sign-in without antiforgery token", "portal", "POST", "/signin", "none", "_handler=signin&Form.UserName=admin&Form.Password=x", 400, "application/x-www-form-urlencoded");
        yield return new("portal sign-in with a forged antiforgery token", "portal", "POST", "/signin", "none", "_handler=signin&__csrf=forged&Form.UserName=admin&Form.Password=x", 400, "application/x-www-form-urlencoded");
        yield return new("portal sign-in naming no form", "portal", "POST", "/signin", "none", "Form.UserName=admin", 400, "application/x-www-form-urlencoded");
        yield return new("portal sign-out without signing in", "portal", "POST", "/signout", "none", "", 302, "application/x-www-form-urlencoded");
        yield return new("portal sign-in with a 300 KB body", "portal", "POST", "/signin", "none", "_handler=signin&Form.UserName=" + new string('a', 300_000), 400, "application/x-www-form-urlencoded");
    }

    public static IEnumerable<SignInFlow> PortalSignInFlows()
    {
        yield return new("portal: a tab after the slash (//evil.example to a browser)", "portal", "/\t/evil.example", "/");
        yield return new("portal: CR/LF in the return address", "portal", "/\r\nSet-Cookie: x=1", "/");
        yield return new("portal: a backslash after the slash", "portal", "/\\evil.example", "/");
        yield return new("portal: another site", "portal", "https://evil.example/", "/");
        yield return new("portal: a path on this site is followed", "portal", "/dev/outbox?from=list", "/dev/outbox?from=list");
    }
}
