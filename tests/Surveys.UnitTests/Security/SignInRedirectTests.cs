using Surveys.Web.Security;

namespace Surveys.UnitTests.Security;

/// <summary>Items 2 and 3 of issue 20: the one check of a return address after sign-in (the portal's sign-in page, the only one).</summary>
public class SignInRedirectTests
{
    [TestCase("/")]
    [TestCase("/alerts")]
    [TestCase("/alerts/3f1c?tab=history#notes")]
    [TestCase("/patients/new?from=%2F%2Fevil.example")]
    public void A_path_on_this_site_is_followed(string url) => Assert.That(SignInRules.IsLocal(url), Is.True);

    [TestCase(null)]
    [TestCase("")]
    [TestCase("alerts")]
    [TestCase("//evil.example")]
    [TestCase("/\\evil.example")]
    [TestCase("/\t/evil.example")] // browsers drop the tab and read //evil.example
    [TestCase("/\n/evil.example")]
    [TestCase("/alerts\r\nSet-Cookie: x=1")] // would answer 500: a header cannot carry CR/LF
    [TestCase("/alerts\vx")]
    [TestCase("/alerts x")]
    [TestCase("/a//evil.example")]
    [TestCase("/a\\b")]
    [TestCase("/caf\u00e9")] // nor anything but ASCII
    [TestCase("https://evil.example/")]
    [TestCase("javascript:alert(1)")]
    public void Anything_else_is_ignored(string? url) => Assert.That(SignInRules.IsLocal(url), Is.False);
}
