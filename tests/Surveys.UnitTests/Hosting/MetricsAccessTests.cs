using System.Net;
using System.Net.Http.Headers;

namespace Surveys.UnitTests.Hosting;

/// <summary>Item 6 of issue 20: /metrics to an operator or the configured scrape token only; loopback is no longer trusted.</summary>
public class MetricsAccessTests
{
    private static readonly string ScrapeToken = new('s', 40);

    private static async Task<HttpStatusCode> ScrapeAsync(string? bearer, params (string Key, string Value)[] settings)
    {
        var (app, http) = await ForwardedHeadersTests.StartAsync(settings);
        await using var _ = app;
        using var __ = http;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return (await http.SendAsync(request)).StatusCode;
    }

    [Test]
    public async Task Anonymous_loopback_is_refused()
    {
        Assert.That(await ScrapeAsync(null, ("Metrics:ScrapeToken", ScrapeToken)), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task The_scrape_token_is_let_in()
    {
        Assert.That(await ScrapeAsync(ScrapeToken, ("Metrics:ScrapeToken", ScrapeToken)), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_wrong_token_is_refused()
    {
        Assert.Multiple(async () =>
        {
            Assert.That(await ScrapeAsync(ScrapeToken + "x", ("Metrics:ScrapeToken", ScrapeToken)), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await ScrapeAsync(ScrapeToken), Is.EqualTo(HttpStatusCode.Unauthorized), "no scrape token configured");
        });
    }

    [Test]
    public void A_short_scrape_token_stops_the_start()
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => ScrapeAsync(null, ("Metrics:ScrapeToken", "short")));
        Assert.That(error!.Message, Does.Contain("Metrics:ScrapeToken"));
    }
}
