using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Testing;

namespace Surveys.Notifier.Tests;

/// <summary>The notifier's OpenAPI document, its old inbox links (to the portal) and its readiness without a bus.</summary>
public class HostingTests
{
    [Test]
    public async Task Serves_its_openapi_document_sends_old_inbox_links_to_the_portal_and_is_not_ready_without_the_bus()
    {
        var alertId = Guid.NewGuid();
        await using var notifier = new NotifierFactory();
        notifier.Start();
        using var nurse = notifier.As("nurse");
        using var anonymous = notifier.Anonymous();

        var document = await nurse.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        using var inbox = await anonymous.GetAsync(new Uri($"/inbox/alerts/{alertId}", UriKind.Relative));
        var ready = await Eventually.ReadAsync(() => anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative)), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(document!["paths"]!.AsObject().Select(p => p.Key), Does.Contain("/api/alerts"));
            Assert.That(inbox.StatusCode, Is.EqualTo(HttpStatusCode.MovedPermanently));
            Assert.That(inbox.Headers.Location?.AbsoluteUri, Does.StartWith("http://127.0.0.1:5104/").And.Contain(alertId.ToString()));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });

        await notifier.Services.GetRequiredService<IBusControl>().StopAsync();

        using var notReady = await anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.That(notReady.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
    }
}
