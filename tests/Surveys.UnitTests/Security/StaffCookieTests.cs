using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json.Nodes;
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

namespace Surveys.UnitTests.Security;

/// <summary>
/// Issue 21: only a service with staff pages (the portal) has a staff cookie and sends people to sign in; intake and the
/// notifier serve bearer tokens only and answer a missing sign-in with 401 problem details. Sessions of changed accounts
/// end in both. A real Kestrel host with the services' shared pipeline.
/// </summary>
public class StaffCookieTests
{
    private sealed class Accounts : IAccountCheck
    {
        public AccountVerdict Answer { get; set; } = AccountVerdict.Current;

        public Task<AccountVerdict> CheckAsync(ClaimsPrincipal user, CancellationToken ct) => Task.FromResult(Answer);
    }

    private const string Browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    private static readonly string SigningKey = new('k', 48);

    private static async Task<(WebApplication App, HttpClient Http, Accounts Accounts)> StartAsync(bool staffPages)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, ApplicationName = staffPages ? "Surveys.Portal" : "Surveys.Intake" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:SigningKey"] = SigningKey });
        builder.AddServiceDefaults();
        var accounts = new Accounts();
        builder.Services.AddSingleton<IAccountCheck>(accounts);
        builder.Services.AddSingleton<SessionRevalidation>();
        if (staffPages)
        {
            builder.Services.AddStaffPages();
        }

        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGet("/page", (ClaimsPrincipal user) => $"page for {user.Identity?.Name}");
        app.MapPost("/page", (ClaimsPrincipal user) => $"done by {user.Identity?.Name}").DisableAntiforgery();
        app.MapGet("/api/thing", (ClaimsPrincipal user) => $"thing for {user.Identity?.Name}");
        app.MapGet("/issue", async (HttpContext context) =>
        {
            try
            {
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(new ClaimsIdentity(
                    [new Claim(StaffAuth.NameClaim, "nurse1"), new Claim(StaffAuth.RoleClaim, Roles.Nurse), new Claim(StaffAuth.StampClaim, "stamp")],
                    CookieAuthenticationDefaults.AuthenticationScheme, StaffAuth.NameClaim, StaffAuth.RoleClaim)));
                return "issued";
            }
            catch (InvalidOperationException)
            {
                return "refused";
            }
        }).AllowAnonymous();
        await app.StartAsync();
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(app.Urls.First()) };
        return (app, http, accounts);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? bearer = null, string accept = Browser)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    private static string Bearer() => StaffTokens.Create(
        new ClaimsIdentity([new Claim(StaffAuth.NameClaim, "nurse1"), new Claim(StaffAuth.RoleClaim, Roles.Nurse), new Claim(StaffAuth.StampClaim, "stamp")], "bearer", StaffAuth.NameClaim, StaffAuth.RoleClaim),
        new AuthOptions { SigningKey = SigningKey }, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));

    [Test]
    public async Task A_service_without_staff_pages_answers_a_browser_with_401_problem_details_and_issues_no_staff_cookie()
    {
        var (app, http, _) = await StartAsync(staffPages: false);
        await using var _app = app;
        using var _http = http;

        using var page = await http.SendAsync(Request(HttpMethod.Get, "/page"));
        using var htmlOnly = await http.SendAsync(Request(HttpMethod.Get, "/page", accept: "text/html"));
        using var issue = await http.SendAsync(Request(HttpMethod.Get, "/issue"));
        var issued = await issue.Content.ReadAsStringAsync();
        using var withBearer = await http.SendAsync(Request(HttpMethod.Get, "/page", Bearer()));

        Assert.Multiple(async () =>
        {
            foreach (var response in new[] { page, htmlOnly })
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
                Assert.That(response.Headers.Location, Is.Null, "never sent to a sign-in page");
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
                Assert.That(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["title"]!.GetValue<string>(), Is.EqualTo("Sign-in required"));
            }

            Assert.That(issued, Is.EqualTo("refused"), "no staff cookie is issued");
            Assert.That(issue.Headers.Contains("Set-Cookie") && issue.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("surveys.intake=", StringComparison.Ordinal)), Is.False);
            Assert.That(await withBearer.Content.ReadAsStringAsync(), Is.EqualTo("page for nurse1"), "a bearer token is accepted");
        });
    }

    [Test]
    public async Task A_service_with_staff_pages_sends_a_browser_to_sign_in_and_keeps_its_session_in_its_cookie()
    {
        var (app, http, _) = await StartAsync(staffPages: true);
        await using var _app = app;
        using var _http = http;

        using var signedOut = await http.SendAsync(Request(HttpMethod.Get, "/page?x=1"));
        using var api = await http.SendAsync(Request(HttpMethod.Get, "/api/thing"));
        using var issue = await http.SendAsync(Request(HttpMethod.Get, "/issue"));
        var issued = await issue.Content.ReadAsStringAsync();
        using var signedIn = await http.SendAsync(Request(HttpMethod.Get, "/page"));

        Assert.Multiple(async () =>
        {
            Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(signedOut.Headers.Location?.PathAndQuery, Is.EqualTo("/signin?ReturnUrl=%2Fpage%3Fx%3D1"));
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "its APIs take bearer tokens");
            Assert.That(api.Headers.Location, Is.Null);
            Assert.That(issued, Is.EqualTo("issued"));
            Assert.That(issue.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("surveys.portal=", StringComparison.Ordinal)), Is.True);
            Assert.That(await signedIn.Content.ReadAsStringAsync(), Is.EqualTo("page for nurse1"));
        });
    }

    [Test]
    public async Task A_changed_account_ends_the_cookie_session_with_a_new_sign_in_and_a_bearer_token_with_401()
    {
        var (app, http, accounts) = await StartAsync(staffPages: true);
        await using var _app = app;
        using var _http = http;
        (await http.SendAsync(Request(HttpMethod.Get, "/issue"))).Dispose();
        Assert.That(await (await http.SendAsync(Request(HttpMethod.Get, "/page"))).Content.ReadAsStringAsync(), Is.EqualTo("page for nurse1"));

        accounts.Answer = AccountVerdict.Changed; // disabled by an administrator
        using var action = await http.SendAsync(Request(HttpMethod.Post, "/page"));
        using var afterwards = await http.SendAsync(Request(HttpMethod.Get, "/page"));
        using var bearer = await http.SendAsync(Request(HttpMethod.Get, "/api/thing", Bearer()));

        Assert.Multiple(async () =>
        {
            Assert.That(action.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "nothing done in the ended session's name");
            Assert.That(action.Headers.Location?.AbsolutePath, Is.EqualTo("/signin"));
            Assert.That(action.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("surveys.portal=;", StringComparison.Ordinal)), Is.True, "the cookie is removed");
            Assert.That(afterwards.Headers.Location?.AbsolutePath, Is.EqualTo("/signin"), "and stays removed");
            Assert.That(bearer.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(JsonNode.Parse(await bearer.Content.ReadAsStringAsync())!["title"]!.GetValue<string>(), Is.EqualTo("Session ended"));
        });
    }

    [Test]
    public async Task When_the_accounts_cannot_be_asked_an_action_is_refused_with_503_problem_details()
    {
        var (app, http, accounts) = await StartAsync(staffPages: false);
        await using var _app = app;
        using var _http = http;
        accounts.Answer = AccountVerdict.Unknown; // intake is down

        using var action = await http.SendAsync(Request(HttpMethod.Post, "/page", Bearer(), accept: "text/html"));

        Assert.That(action.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(action.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), "even to a client that asked for HTML alone");
        Assert.That(JsonNode.Parse(await action.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>(), Is.EqualTo(SessionRevalidationExtensions.UnknownDetail));
    }
}
