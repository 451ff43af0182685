using System.Net;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Testing;

namespace Surveys.Scoring.Tests;

/// <summary>The worker's small HTTP host: health (ready only with a bus) and its OpenAPI document, for staff only.</summary>
public class HealthTests
{
    [Test]
    public async Task Ready_with_the_bus_503_without_it_and_the_openapi_document_needs_a_sign_in()
    {
        await using var scoring = new ServiceFactory<Program>().Start();
        using var client = scoring.Anonymous();
        var ready = await Eventually.ReadAsync(() => client.GetAsync(new Uri("/health/ready", UriKind.Relative)), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        using var document = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var operatorClient = scoring.WithToken(scoring.MintToken("operator1", "operator"));
        using var signedIn = await operatorClient.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Multiple(() =>
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(document.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });

        await scoring.Services.GetRequiredService<IBusControl>().StopAsync();

        using var notReady = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.That(notReady.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
    }
}
