using Surveys.Notifier.Alerts;

namespace Surveys.UnitTests.AlertDelivery;

/// <summary>Issue 21: alert messages link to the staff portal's alert pages; the notifier serves no pages of its own.</summary>
public class AlertLinkTests
{
    private static readonly Guid AlertId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    [Test]
    public void Without_configuration_links_open_the_local_portal()
    {
        var links = new NotifierOptions();

        Assert.That(links.Alert(AlertId).AbsoluteUri, Is.EqualTo($"http://127.0.0.1:5104/alerts/{AlertId:D}"));
        Assert.That(links.Inbox().AbsoluteUri, Is.EqualTo("http://127.0.0.1:5104/alerts"));
    }

    [TestCase("https://staff.clinic.example")]
    [TestCase("https://staff.clinic.example/")]
    public void Links_open_the_portals_alert_pages(string portal)
    {
        var links = new NotifierOptions { PortalUrl = new Uri(portal) };

        Assert.That(links.Alert(AlertId).AbsoluteUri, Is.EqualTo($"https://staff.clinic.example/alerts/{AlertId:D}"));
        Assert.That(links.Inbox().AbsoluteUri, Is.EqualTo("https://staff.clinic.example/alerts"));
    }

    [Test]
    public void A_portal_under_a_path_keeps_its_path()
    {
        var links = new NotifierOptions { PortalUrl = new Uri("https://clinic.example/staff") };

        Assert.That(links.Alert(AlertId).AbsoluteUri, Is.EqualTo($"https://clinic.example/staff/alerts/{AlertId:D}"));
        Assert.That(links.Inbox().AbsoluteUri, Is.EqualTo("https://clinic.example/staff/alerts"));
    }
}
