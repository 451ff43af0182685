using System.Net;

namespace Surveys.Portal.Tests.SignIn;

/// <summary>
/// The portal's one staff sign-in: its form and antiforgery token, intake's answer to a password (stubbed) turned into the
/// portal's cookie or a readable refusal, the redirect to it from any page, and the sign-out button.
/// </summary>
public class SignInTests
{
    private PortalFactory _portal = null!;

    [OneTimeSetUp]
    public void Start() => _portal = (PortalFactory)new PortalFactory().WithAccount("nurse1", "nurse").WithAccount("admin", "admin").Start();

    [OneTimeTearDown]
    public async Task StopAsync() => await _portal.DisposeAsync();

    [Test]
    public async Task The_sign_in_page_asks_for_a_user_name_and_password_with_an_antiforgery_token()
    {
        using var browser = _portal.Browser();
        var page = await browser.OpenAsync("/signin");

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Heading, Is.EqualTo("Sign in"));
            Assert.That(page.Title, Does.Contain("Sign in"));
            Assert.That(page.TextsOf("label"), Is.SupersetOf(new[] { "User name", "Password" }));
            Assert.That(page.Document.QuerySelector("#password")?.GetAttribute("type"), Is.EqualTo("password"));
            Assert.That(page.Document.QuerySelector("#password")?.GetAttribute("autocomplete"), Is.EqualTo("current-password"));
            Assert.That(page.Antiforgery(), Is.Not.Empty);
        });
    }

    [Test]
    public async Task A_page_without_a_sign_in_sends_the_browser_to_the_sign_in_page_and_back_after_it()
    {
        using var browser = _portal.Browser();
        var refused = await browser.OpenAsync("/alerts?status=open");
        Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(refused.Location!.AbsolutePath, Is.EqualTo("/signin"));
        Assert.That(Uri.UnescapeDataString(refused.Location.Query), Does.Contain("ReturnUrl=/alerts?status=open"));

        using var signedIn = await browser.SignInAsync("nurse1", PortalFactory.PasswordOf("nurse1"), "/alerts?status=open");

        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(browser.Where(signedIn), Is.EqualTo("/alerts?status=open"));
    }

    [Test]
    public async Task The_right_password_signs_in_through_intake_and_the_home_page_names_the_person_and_role()
    {
        using var browser = _portal.Browser();
        using var signedIn = await browser.SignInAsync("nurse1", PortalFactory.PasswordOf("nurse1"));
        var home = await browser.OpenAsync("/");

        Assert.Multiple(() =>
        {
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(browser.Where(signedIn), Is.EqualTo("/"));
            Assert.That(signedIn.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("surveys.portal=", StringComparison.Ordinal)), Is.True, "the portal's session cookie");
            Assert.That(home.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(home.Heading, Is.EqualTo("What do you need to do?"));
            Assert.That(home.Text, Does.Contain("You are signed in as nurse1 (nurse)"));
            Assert.That(_portal.Apis.Calls.Any(c => c is { Service: "intake", Method: "POST", PathAndQuery: "/api/auth/token" }), Is.True, "intake checked the password");
        });
    }

    [Test]
    public async Task A_wrong_password_and_an_unknown_account_are_refused_alike_in_plain_words()
    {
        using var browser = _portal.Browser();
        using var wrong = await browser.SignInAsync("nurse1", "not-her-password");
        var wrongPage = await PortalBrowser.Page.ReadAsync(wrong);
        using var unknown = await browser.SignInAsync("nobody", "whatever-password");
        var unknownPage = await PortalBrowser.Page.ReadAsync(unknown);

        Assert.Multiple(() =>
        {
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(wrongPage.Title, Does.StartWith("Error: "));
            Assert.That(wrongPage.TextsOf(".error-summary a"), Is.Not.Empty, "the error summary says what went wrong");
            Assert.That(unknownPage.TextsOf(".error-summary a"), Is.EqualTo(wrongPage.TextsOf(".error-summary a")), "an unknown name reads like a wrong password");
            Assert.That(wrongPage.Document.QuerySelector("#password")?.GetAttribute("value"), Is.Null.Or.Empty, "the password is never written back");
        });
    }

    [Test]
    public async Task Intakes_sign_in_limit_is_shown_as_such_not_as_a_wrong_password()
    {
        using var browser = _portal.Browser();
        using var wrong = await browser.SignInAsync("nurse1", "not-her-password");
        var wrongWords = (await PortalBrowser.Page.ReadAsync(wrong)).TextsOf(".error-summary a");
        _portal.Apis.SignInThrottled = true;
        try
        {
            using var throttled = await browser.SignInAsync("nurse1", PortalFactory.PasswordOf("nurse1"));
            var page = await PortalBrowser.Page.ReadAsync(throttled);

            Assert.That(throttled.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(page.TextsOf(".error-summary a"), Is.Not.Empty.And.Not.EqualTo(wrongWords));
        }
        finally
        {
            _portal.Apis.SignInThrottled = false;
        }
    }

    [Test]
    public async Task Sign_out_with_the_pages_own_button_ends_the_session_and_a_forged_one_is_refused()
    {
        using var browser = await _portal.SignedInAsync("admin");
        var home = await browser.OpenAsync("/");

        using var forged = await browser.Http.PostAsync(new Uri("/signout", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>()));
        var stillSignedIn = await browser.OpenAsync(browser.Where(forged));
        using var signedOut = await browser.Http.PostAsync(new Uri("/signout", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["__csrf"] = home.Antiforgery() }));
        var afterwards = await browser.OpenAsync("/");

        Assert.Multiple(() =>
        {
            Assert.That(browser.Where(forged), Is.EqualTo("/?signout=refused"));
            Assert.That(stillSignedIn.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stillSignedIn.TextsOf(".error-summary a").Single(), Does.StartWith("You are still signed in"));
            Assert.That(browser.Where(signedOut), Is.EqualTo("/signin"));
            Assert.That(afterwards.Status, Is.EqualTo(HttpStatusCode.Redirect), "signed out: a page asks for a sign-in again");
        });
    }
}
