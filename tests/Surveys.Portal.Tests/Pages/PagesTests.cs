using System.Net;
using static Surveys.Portal.Tests.PortalFactory.StubApis;

namespace Surveys.Portal.Tests.Pages;

/// <summary>
/// The portal's pages with the other services' answers stubbed: each renders (200) what the APIs said, in staff's words,
/// and asks the right service with the signed-in person's bearer token.
/// </summary>
public class PagesTests
{
    private static readonly Guid Ann = Guid.Parse("5e1f6a52-0f8e-4a43-9d0f-3c2e4f1b7a01");
    private static readonly Guid Bob = Guid.Parse("5e1f6a52-0f8e-4a43-9d0f-3c2e4f1b7a02");
    private PortalFactory _portal = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _portal = (PortalFactory)new PortalFactory().WithAccount("nurse1", "nurse").WithAccount("admin", "admin").Start();
        var now = DateTimeOffset.UtcNow;
        _portal.Apis.OnJson("intake", "GET", "/api/users", new object[]
        {
            new { userName = "admin", roles = new[] { "admin" }, createdAt = now.AddDays(-30), disabled = false, lockedOut = false },
            new { userName = "nurse.old", roles = new[] { "nurse", "admin" }, createdAt = now.AddDays(-20), disabled = true, lockedOut = false },
            new { userName = "nurse1", roles = new[] { "nurse" }, createdAt = now.AddDays(-10), disabled = false, lockedOut = true },
        });
        _portal.Apis.OnJson("intake", "GET", "/api/patients", new
        {
            items = new object[]
            {
                new { id = Ann, displayName = "Ann Example", clinicNumber = "C-1001", protocol = (string?)null, createdAt = now.AddDays(-5) },
                new { id = Bob, displayName = "Bob Sample", clinicNumber = "C-1002", protocol = (string?)null, createdAt = now.AddDays(-4) },
            },
            page = 1, pageSize = 20, total = 2,
        });
        _portal.Apis.OnJson("notifier", "GET", "/api/alerts/latest", new { latest = now.ToString("O"), unresolved = new Dictionary<string, long> { ["urgent"] = 1, ["routine"] = 1 } });
        _portal.Apis.OnJson("notifier", "GET", "/api/alerts", new object[]
        {
            Alert(Bob, "routine", "PHQ-9 total 11, up 6 since last time", now.AddHours(-3)),
            Alert(Ann, "urgent", "Thoughts of self-harm answered more than half the days", now.AddMinutes(-10)),
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _portal.DisposeAsync();

    private static object Alert(Guid patient, string severity, string reason, DateTimeOffset at) => new
    {
        id = Guid.NewGuid(), patientId = patient, instrument = "phq9", rule = severity == "urgent" ? "critical_item" : "rising_score", severity,
        status = "open", reason, createdAt = at, latestEvidenceAt = at, newEvidenceSinceAcknowledged = false,
    };

    [Test]
    public async Task Staff_accounts_lists_each_account_with_its_roles_and_state_in_words()
    {
        using var admin = await _portal.SignedInAsync("admin");
        var page = await admin.OpenAsync("/staff-accounts");
        var rows = page.Document.QuerySelectorAll("tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Heading, Is.EqualTo("Staff accounts"));
            Assert.That(rows.Select(r => r[0]), Is.EqualTo(new[] { "admin", "nurse1", "nurse.old" }), "enabled accounts first, then by name");
            Assert.That(rows.Select(r => r[1]), Is.EqualTo(new[] { "administrator", "nurse", "nurse, administrator" }));
            Assert.That(rows[1][2], Does.StartWith("Enabled").And.Contain("locked"));
            Assert.That(rows[2][2], Is.EqualTo("Disabled"));
            Assert.That(page.Links("tbody a"), Does.Contain("/staff-accounts/nurse.old"));
            Assert.That(_portal.Apis.Calls.Where(c => c.PathAndQuery == "/api/users").All(c => c.WithBearer), Is.True, "called as the person signed in");
        });
    }

    [Test]
    public async Task Patients_finds_patients_by_name_and_shows_names_and_clinic_numbers_not_ids()
    {
        using var nurse = await _portal.SignedInAsync("nurse1");
        var page = await nurse.OpenAsync("/patients?q=Exa");

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.TextsOf("#patients h2"), Is.EqualTo(new[] { "Ann Example", "Bob Sample" }));
            Assert.That(page.Text, Does.Contain("C-1001").And.Contain("Patients 1 to 2 of 2"));
            Assert.That(page.TextsOf("#patients li"), Has.None.Contains(Ann.ToString()), "no ids in what staff read");
            Assert.That(page.Links("#patients a"), Does.Contain($"/patients/{Ann}"));
            Assert.That(_portal.Apis.Calls.Any(c => c.Service == "intake" && c.PathAndQuery.StartsWith("/api/patients?", StringComparison.Ordinal) && c.PathAndQuery.Contains("q=Exa", StringComparison.Ordinal)), Is.True);
        });
    }

    [Test]
    public async Task Alerts_shows_the_notifiers_alerts_most_urgent_first_with_the_patients_names_from_intake()
    {
        using var nurse = await _portal.SignedInAsync("nurse1");
        var page = await nurse.OpenAsync("/alerts");

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Heading, Is.EqualTo("Alerts"));
            Assert.That(page.TextsOf("#alerts h2"), Is.EqualTo(new[] { "Ann Example", "Bob Sample" }), "the urgent alert first");
            Assert.That(page.TextsOf("#alerts li")[0], Does.Contain("Thoughts of self-harm answered more than half the days").And.Contain("Urgent"));
            Assert.That(page.Text, Does.Contain("2 alerts"));
            Assert.That(page.TextsOf("#count-urgent").Single(), Is.EqualTo("1 not resolved"));
        });
    }

    [Test]
    public async Task A_filter_that_is_not_one_of_the_choices_is_a_readable_400_page()
    {
        using var nurse = await _portal.SignedInAsync("nurse1");
        var page = await nurse.OpenAsync("/alerts?status=%3Cscript%3E");

        Assert.That(page.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(page.TextsOf(".panel--problem h2").Single(), Is.EqualTo("That status is not one of the choices"));
    }
}
