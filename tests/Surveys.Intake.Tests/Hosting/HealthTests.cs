using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Surveys.Intake.Tests.Hosting;

/// <summary>Liveness and readiness: ready while the bus runs, 503 (not ready) once it is gone, alive throughout.</summary>
public class HealthTests
{
    [Test]
    public async Task Readiness_is_503_when_the_bus_is_gone_and_liveness_stays_200()
    {
        await using var intake = new IntakeFactory().Start();
        using var client = intake.Anonymous();
        var ready = await Eventually.ReadAsync(() => client.GetAsync(new Uri("/health/ready", UriKind.Relative)), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ready.Content.ReadAsStringAsync());

        await intake.Services.GetRequiredService<IBusControl>().StopAsync(); // the broker connection is gone

        using var notReady = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = (await notReady.Content.ReadFromJsonAsync<JsonObject>())!;
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Multiple(() =>
        {
            Assert.That(notReady.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body.ToJsonString());
            Assert.That(body["status"]!.GetValue<string>(), Is.Not.EqualTo("Healthy"));
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK), "alive: only readiness depends on the broker");
        });
    }
}
