using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surveys.Hosting;
using Surveys.Web.Security;

namespace Surveys.UnitTests.Hosting;

/// <summary>
/// Item 6 of issue 20: behind a reverse proxy each client keeps its own address (rate-limit bucket, audit trail, sign-in
/// lockout) and scheme, when the proxy is trusted, and only then. A real Kestrel host with the services' shared pipeline.
/// </summary>
public class ForwardedHeadersTests
{
    /// <summary>A host with the shared defaults, one sign-in attempt a minute, and /who answering the address and scheme seen.</summary>
    internal static async Task<(WebApplication App, HttpClient Http)> StartAsync(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, ApplicationName = "Surveys.Intake" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = new string('k', 48),
            ["RateLimits:SignInAttemptsPerMinute"] = "1",
        }.Concat(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))));
        builder.AddServiceDefaults();
        builder.Services.AddStaffPages(); // staff pages, so a staff cookie (as the portal; intake and the notifier issue none)
        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGet("/who", (HttpContext context) => $"{context.Connection.RemoteIpAddress} {context.Request.Scheme}")
            .AllowAnonymous().RequireRateLimiting(RateLimits.SignIn);
        app.MapGet("/cookies", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            antiforgery.GetAndStoreTokens(context);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(StaffAuth.NameClaim, "nurse")], CookieAuthenticationDefaults.AuthenticationScheme)));
        }).AllowAnonymous();
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    internal static Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string? forwardedFor, string? forwardedProto = null)
    {
        // A host name of the site's own: HSTS is never sent for localhost or 127.0.0.1.
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative)) { Headers = { Host = "surveys.example" } };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        return http.SendAsync(request);
    }

    [Test]
    public async Task Clients_behind_a_trusted_proxy_are_seen_and_limited_one_by_one()
    {
        var (app, http) = await StartAsync(("ForwardedHeaders:KnownProxies:0", "127.0.0.1"));
        await using var _ = app;
        using var __ = http;

        var first = await SendAsync(http, "/who", "203.0.113.7");
        var second = await SendAsync(http, "/who", "198.51.100.9");
        var firstAgain = await SendAsync(http, "/who", "203.0.113.7");
        Assert.Multiple(async () =>
        {
            Assert.That(await first.Content.ReadAsStringAsync(), Is.EqualTo("203.0.113.7 http"), "the address audit and lockout read");
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK), "another client has its own rate-limit bucket");
            Assert.That(await second.Content.ReadAsStringAsync(), Is.EqualTo("198.51.100.9 http"));
            Assert.That(firstAgain.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the first client's bucket is spent");
        });
    }

    [Test]
    public async Task A_network_can_be_trusted_too()
    {
        var (app, http) = await StartAsync(("ForwardedHeaders:KnownNetworks:0", "127.0.0.0/8"));
        await using var _ = app;
        using var __ = http;

        Assert.That(await (await SendAsync(http, "/who", "203.0.113.7")).Content.ReadAsStringAsync(), Is.EqualTo("203.0.113.7 http"));
    }

    [Test]
    public async Task An_untrusted_senders_forwarded_headers_are_ignored()
    {
        // Nothing configured: not even loopback is trusted (ASP.NET Core's own default would trust it).
        var (app, http) = await StartAsync(("ForwardedHeaders:KnownProxies:0", "10.0.0.5"));
        await using var _ = app;
        using var __ = http;

        var first = await SendAsync(http, "/who", "203.0.113.7", "https");
        var second = await SendAsync(http, "/who", "198.51.100.9");
        Assert.Multiple(async () =>
        {
            Assert.That(await first.Content.ReadAsStringAsync(), Is.EqualTo("127.0.0.1 http"), "the sender's own address and scheme");
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "a made-up X-Forwarded-For is no new bucket");
        });
    }

    [Test]
    public async Task By_default_no_proxy_is_trusted()
    {
        var (app, http) = await StartAsync();
        await using var _ = app;
        using var __ = http;

        Assert.That(await (await SendAsync(http, "/who", "203.0.113.7", "https")).Content.ReadAsStringAsync(), Is.EqualTo("127.0.0.1 http"));
    }

    [Test]
    public void A_proxy_that_is_not_an_address_stops_the_start()
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/99")));
        Assert.That(error!.Message, Does.Contain("ForwardedHeaders:KnownNetworks"));
    }

    [Test]
    public async Task Cookies_are_secure_and_hsts_is_sent_when_the_client_came_by_https()
    {
        var (app, http) = await StartAsync(("ForwardedHeaders:KnownProxies:0", "127.0.0.1"));
        await using var _ = app;
        using var __ = http;

        var https = await SendAsync(http, "/cookies", "203.0.113.7", "https");
        var plain = await SendAsync(http, "/cookies", "198.51.100.9", "http");
        Assert.Multiple(() =>
        {
            Assert.That(Cookie(https, StaffAuth.CookieName(app.Environment.ApplicationName)), Does.Contain("secure").IgnoreCase, "the staff cookie over https");
            Assert.That(Cookie(https, StaffAuth.CookieName(app.Environment.ApplicationName) + ".antiforgery"), Does.Contain("secure").IgnoreCase, "the antiforgery cookie over https");
            Assert.That(https.Headers.Contains("Strict-Transport-Security"), Is.True, "HSTS over https outside Development");
            Assert.That(Cookie(plain, StaffAuth.CookieName(app.Environment.ApplicationName)), Does.Not.Contain("secure").IgnoreCase, "plain http (a development set-up) still works");
            Assert.That(plain.Headers.Contains("Strict-Transport-Security"), Is.False);
        });
    }

    private static string Cookie(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.FirstOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal)) ?? "" : "";
}
