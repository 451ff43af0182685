using System.Net;

namespace Surveys.Portal.Tests;

/// <summary>The portal's health: live and ready without a sign-in, GET and HEAD only, and no other service asked.</summary>
public class HealthTests
{
    [Test]
    public async Task Live_and_ready_answer_without_a_sign_in_and_refuse_other_methods()
    {
        await using var portal = new PortalFactory();
        portal.Start();
        using var client = portal.Anonymous();

        var ready = await Eventually.ReadAsync(() => client.GetAsync(new Uri("/health/ready", UriKind.Relative)), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health/ready"));
        using var post = await client.PostAsync(new Uri("/health/ready", UriKind.Relative), null);

        Assert.Multiple(() =>
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        });
    }
}
