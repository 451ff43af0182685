using System.Net;

namespace Surveys.Portal.Tests.SignIn;

/// <summary>
/// Each role sees its own places (the home page and the header's navigation are made from one list), and a page for
/// another role is refused in plain words, before the portal asks another service for anything.
/// </summary>
public class RoleTests
{
    private PortalFactory _portal = null!;

    [OneTimeSetUp]
    public void Start() => _portal = (PortalFactory)new PortalFactory()
        .WithAccount("nurse1", "nurse").WithAccount("admin", "admin").WithAccount("operator1", "operator").Start();

    [OneTimeTearDown]
    public async Task StopAsync() => await _portal.DisposeAsync();

    [TestCase("nurse1", new[] { "Alerts", "Patients", "Development outbox" }, new[] { "Staff accounts", "Audit trail", "Research", "Pipeline" })]
    [TestCase("admin", new[] { "Patients", "Staff accounts", "Audit trail", "Research", "Development outbox" }, new[] { "Alerts", "Pipeline" })]
    [TestCase("operator1", new[] { "Pipeline" }, new[] { "Alerts", "Patients", "Staff accounts", "Audit trail", "Research", "Development outbox" })]
    public async Task The_home_page_lists_the_places_of_the_persons_role_only(string userName, string[] sees, string[] doesNotSee)
    {
        using var browser = await _portal.SignedInAsync(userName);
        var home = await browser.OpenAsync("/");
        var places = home.TextsOf(".card h2");

        Assert.That(home.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(places, Is.EquivalentTo(sees));
        Assert.That(places, Has.None.AnyOf(doesNotSee));
    }

    [TestCase("nurse1", "/staff-accounts")]
    [TestCase("nurse1", "/audit")]
    [TestCase("nurse1", "/research")]
    [TestCase("nurse1", "/pipeline")]
    [TestCase("nurse1", "/patients/new")]
    [TestCase("admin", "/alerts")]
    [TestCase("admin", "/pipeline")]
    [TestCase("operator1", "/patients")]
    [TestCase("operator1", "/alerts")]
    [TestCase("operator1", "/dev/outbox")]
    public async Task A_page_for_another_role_is_refused_in_plain_words_without_asking_the_services(string userName, string path)
    {
        using var browser = await _portal.SignedInAsync(userName);
        var callsBefore = _portal.Apis.Calls.Count(c => !c.PathAndQuery.StartsWith("/api/auth/", StringComparison.Ordinal));

        var refused = await browser.OpenAsync(path);
        var notAllowed = await browser.OpenAsync(refused.Where);

        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(refused.Where, Does.StartWith("/not-allowed"));
            Assert.That(notAllowed.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(notAllowed.Heading, Is.EqualTo("This page is not for your role"));
            Assert.That(notAllowed.Text, Does.Contain($"You are signed in as {userName}"));
            Assert.That(notAllowed.Links(), Does.Contain("/"), "a way back to the person's home page");
            Assert.That(_portal.Apis.Calls.Count(c => !c.PathAndQuery.StartsWith("/api/auth/", StringComparison.Ordinal)), Is.EqualTo(callsBefore),
                "no other service was asked for the refused page's data");
        });
    }
}
