using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Surveys.IntegrationTests;

/// <summary>Per-address rate limits on the link route and on sign-in: 429 with Retry-After.</summary>
[NonParallelizable]
public partial class RateLimitTests
{
    private RunningSystem _system = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _system = await RunningSystem.StartAsync(new Dictionary<string, string>
    {
        ["RateLimits__LinkRequestsPerMinute"] = "5",
        ["RateLimits__SignInAttemptsPerMinute"] = "20",
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _system.DisposeAsync();

    [Test]
    public async Task Guessing_link_tokens_at_speed_is_refused_with_retry_after()
    {
        var statuses = new List<int>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 8; i++)
        {
            last = await _system.PatientClient.PostAsJsonAsync("/api/responses", new { token = $"guess-{i}", answers = new { } });
            statuses.Add((int)last.StatusCode);
        }

        Assert.That(statuses.Take(5), Is.All.EqualTo(404));
        Assert.That(statuses.Skip(5), Is.All.EqualTo(429));
        Assert.That(last!.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        Assert.That((await last.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), Does.Contain("Wait"));
    }

    [Test]
    [Order(1)] // before the next one uses up intake's sign-in limit
    public async Task Guessing_passwords_at_speed_is_refused_with_retry_after()
    {
        // The fixture signed in three times already; the limit is 20 a minute from one address.
        var statuses = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((int)(await _system.PatientClient.PostAsJsonAsync("/api/auth/token", new { userName = $"guess{i}", password = "guess-password" })).StatusCode);
        }

        Assert.That(statuses, Does.Contain(401));
        Assert.That(statuses.Last(), Is.EqualTo(429));
    }

    [Test]
    [Order(2)]
    public async Task A_nurse_refused_by_intakes_sign_in_limit_is_told_to_wait_not_that_her_password_is_wrong()
    {
        // The nurse signs in on the portal, which asks intake with her address: intake's limit for it (20 a minute here) is
        // used up. A fixed window can refill in between: then the whole is tried again.
        using var nurse = PortalForms.Browser(_system.Portal.BaseAddress);
        HttpResponseMessage? page = null;
        for (var round = 0; round < 3 && page?.StatusCode != HttpStatusCode.TooManyRequests; round++)
        {
            for (var i = 0; i < 40 && (await _system.PatientClient.PostAsJsonAsync("/api/auth/token", new { userName = "guess", password = "guess-password" })).StatusCode != HttpStatusCode.TooManyRequests; i++)
            {
            }

            page = await PortalForms.SignInAsync(nurse, "nurse1", "any-password-at-all");
        }

        var text = await page!.Content.ReadAsStringAsync();
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), text);
        Assert.That(PortalForms.Error(text), Is.EqualTo("Too many sign-in attempts from here. Wait a minute, then try again."));
        Assert.That(text, Does.Not.Contain("password is not right"));
    }
}
