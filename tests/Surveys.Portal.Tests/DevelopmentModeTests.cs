using System.Net;

namespace Surveys.Portal.Tests;

/// <summary>
/// Hole 5 of issue 18, the portal's part (moved from the system suite's DevelopmentModeTests; a patient's page is checked in
/// intake's functional tests): in Development, where messages go to the development outboxes, every staff page says so.
/// </summary>
public class DevelopmentModeTests
{
    public const string Banner = "Development: messages are not sent";

    [Test]
    public async Task Every_page_in_development_says_messages_are_not_sent()
    {
        await using var portal = (PortalFactory)new PortalFactory().WithAccount("nurse1", "nurse").Start();
        using var nurse = portal.Browser();
        var form = await nurse.OpenAsync("/signin");
        using var signedIn = await nurse.SignInAsync("nurse1", PortalFactory.PasswordOf("nurse1"));
        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed in");

        var pages = new Dictionary<string, PortalBrowser.Page>
        {
            ["staff portal sign-in"] = form,
            ["staff portal home"] = await nurse.OpenAsync("/"),
            ["nurses' alerts"] = await nurse.OpenAsync("/alerts"),
        };
        Assert.That(pages["nurses' alerts"].Text, Does.Contain("Signed in as nurse1"), "signed in");

        Assert.Multiple(() =>
        {
            foreach (var (name, page) in pages)
            {
                Assert.That(page.Text, Does.Contain(Banner), name);
            }
        });
    }
}
