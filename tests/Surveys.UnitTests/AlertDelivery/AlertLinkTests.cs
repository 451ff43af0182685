using Surveys.Notifier.Inbox;

namespace Surveys.UnitTests.AlertDelivery;

/// <summary>Issue 21: with Notifier:PortalUrl set, alert messages link to the staff portal's alert pages.</summary>
public class AlertLinkTests
{
    private static readonly Guid AlertId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    [Test]
    public void Without_a_portal_links_open_the_notifiers_inbox()
    {
        var links = new NotifierOptions { PublicBaseUrl = new Uri("https://notifier.clinic.example") };

        Assert.That(links.Alert(AlertId).AbsoluteUri, Is.EqualTo($"https://notifier.clinic.example/inbox/alerts/{AlertId:D}"));
        Assert.That(links.Inbox().AbsoluteUri, Is.EqualTo("https://notifier.clinic.example/inbox"));
    }

    [TestCase("https://staff.clinic.example")]
    [TestCase("https://staff.clinic.example/")]
    public void With_a_portal_links_open_the_portals_alert_pages(string portal)
    {
        var links = new NotifierOptions { PublicBaseUrl = new Uri("https://notifier.clinic.example"), PortalUrl = new Uri(portal) };

        Assert.That(links.Alert(AlertId).AbsoluteUri, Is.EqualTo($"https://staff.clinic.example/alerts/{AlertId:D}"));
        Assert.That(links.Inbox().AbsoluteUri, Is.EqualTo("https://staff.clinic.example/alerts"));
    }

    [Test]
    public void A_portal_under_a_path_keeps_its_path()
    {
        var links = new NotifierOptions { PortalUrl = new Uri("https://clinic.example/staff") };

        Assert.That(links.Alert(AlertId).AbsoluteUri, Is.EqualTo($"https://clinic.example/staff/alerts/{AlertId:D}"));
    }
}
