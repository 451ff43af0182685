using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser.Portal;

/// <summary>
/// A hospital's OpenID Connect provider alone (Auth__Authority, no signing key anywhere): staff sign in to the portal
/// through it (code flow with PKCE), the portal calls the notifier's and intake's APIs with the person's own access token
/// from it, the roles come from its role claim, an expired token is refreshed or ends the session in plain words, and
/// signing out ends the provider's session too. The provider is a small fake run in this process (<see cref="FakeOpenIdProvider"/>).
/// </summary>
[NonParallelizable]
public class ProviderSignInTests : BrowserTest
{
    private const string Nurse = "nurse.oidc";

    private readonly FakeOpenIdProvider _provider = new();
    private string _clinicNumber = null!;

    // The provider's address is known before it listens; the services ask it only when someone signs in or calls an API.
    protected override IDictionary<string, string>? Settings => new Dictionary<string, string>(_provider.Settings())
    {
        // Refreshed or ended when it has expired, not before: the tests choose short lifetimes.
        ["Portal__TokenRefreshMargin"] = "00:00:00",
    };

    [OneTimeSetUp]
    public async Task StartProviderAndRaiseAnAlertAsync()
    {
        await _provider.StartAsync();
        // Staff clients for the test itself, with the provider's tokens (the only ones the APIs take now).
        Platform.IntakeClient.DefaultRequestHeaders.Authorization = new("Bearer", _provider.AccessToken("admin.oidc", "admin"));
        Platform.NotifierClient.DefaultRequestHeaders.Authorization = new("Bearer", _provider.AccessToken(Nurse, "nurse"));

        _clinicNumber = $"CN-OIDC-{Guid.NewGuid().ToString("N")[..6]}";
        var enrolled = await Platform.IntakeClient.PostAsJsonAsync("/api/patients", new { displayName = "Ana Okafor", clinicNumber = _clinicNumber });
        Assert.That((int)enrolled.StatusCode, Is.EqualTo(201), await enrolled.Content.ReadAsStringAsync());
        var patientId = (await enrolled.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        // A PHQ-9 with item 9 answered: a critical answer, which the notifier raises as an alert.
        await Platform.SubmitAsync(await Platform.InviteAsync(patientId, "phq9"), Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => i == 9 ? 2 : 1));
        var raised = await RunningSystem.EventuallyAsync(
            async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!.Count, n => n >= 1, TimeSpan.FromSeconds(60));
        Assert.That(raised, Is.GreaterThanOrEqualTo(1), "the notifier raised the alert");
    }

    [OneTimeTearDown]
    public async Task StopProviderAsync() => await _provider.DisposeAsync();

    [SetUp]
    public void OrdinaryProvider()
    {
        _provider.NextUser = (Nurse, ["nurse"]);
        _provider.AccessTokenLifetime = TimeSpan.FromMinutes(10);
        _provider.IssueRefreshTokens = false;
        _provider.Problems.Clear();
    }

    [Test]
    public async Task A_nurse_signs_in_through_the_provider_sees_the_notifiers_alerts_not_the_admins_pages_and_signs_out()
    {
        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, 1280);
        var page = await context.NewPageAsync();
        var (authorizations, endSessions) = (_provider.Authorizations, _provider.EndSessions);

        await page.GotoAsync("/alerts");
        Assert.That(page.Url, Does.Contain("/signin?ReturnUrl=%2Falerts"), "the portal asks who you are first");
        Assert.Multiple(async () =>
        {
            Assert.That(await page.Locator("#password").CountAsync(), Is.Zero, "no password with the hospital's provider");
            Assert.That(await page.Locator("#provider-signin").InnerTextAsync(), Is.EqualTo("Sign in with Northside Hospital"));
        });
        await ShotAsync(page, "portal-provider-signin-1280");
        await AssertGoodPageAsync(page, "provider sign-in page");

        await PressAsync(page, "Sign in with Northside Hospital");
        Assert.That(_provider.Problems, Is.Empty, "the provider refused nothing (client, redirect address, PKCE)");
        Assert.Multiple(() =>
        {
            Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/alerts"), "back on the page asked for");
            Assert.That(_provider.Authorizations, Is.EqualTo(authorizations + 1));
        });
        Assert.That(await page.Locator(".sign-out strong").InnerTextAsync(), Is.EqualTo(Nurse), "the user name from preferred_username");

        // The alert came from the notifier's API, which took the nurse's access token from the provider.
        await page.GotoAsync($"/alerts?q={_clinicNumber}");
        var cards = page.Locator("#alerts > li");
        Assert.That(await cards.CountAsync(), Is.GreaterThanOrEqualTo(1), await page.InnerTextAsync("main"));
        Assert.That(await cards.First.InnerTextAsync(), Does.Contain("Ana Okafor").And.Contain("Critical answer"));
        await AssertGoodPageAsync(page, "alerts after the provider's sign-in");

        // The nurse role came from the provider's role claim: the admins' pages are not for her.
        var accounts = await page.GotoAsync("/staff-accounts");
        Assert.That(accounts!.Status, Is.EqualTo(403));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("This page is not for your role"));
        Assert.That(await page.InnerTextAsync("main"), Does.Contain(Nurse).And.Contain("(nurse)"));

        // Signing out ends the portal's session and the provider's (with the id token as the hint), then the sign-in page.
        await PressAsync(page, "Sign out");
        Assert.Multiple(() =>
        {
            Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/signin"));
            Assert.That(_provider.EndSessions, Is.EqualTo(endSessions + 1), "the provider's end-session endpoint was visited");
            Assert.That(_provider.LastEndSessionHadValidHint, Is.True, "with the person's id token as the hint");
            Assert.That(_provider.Problems, Is.Empty);
        });
        await page.GotoAsync("/alerts");
        Assert.That(page.Url, Does.Contain("/signin"), "signed out means signed out");
    }

    [Test]
    public async Task An_admin_from_the_provider_reaches_the_staff_accounts_page()
    {
        _provider.NextUser = ("admin.oidc", ["admin"]);
        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, 390);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/staff-accounts");
        await PressAsync(page, "Sign in with Northside Hospital");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/staff-accounts"));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Staff accounts"));
        // Intake's API took the admin's access token from the provider: the list, not a problem.
        Assert.That(await page.Locator(".panel--problem").CountAsync(), Is.Zero, await page.InnerTextAsync("main"));
        Assert.That(await page.Locator("table tbody tr").CountAsync(), Is.GreaterThanOrEqualTo(1), "intake's built-in admin account at least");
        await AssertGoodPageAsync(page, "staff accounts for a provider's admin at 390");
    }

    [Test]
    public async Task An_expired_access_token_is_refreshed_with_the_providers_refresh_token()
    {
        _provider.IssueRefreshTokens = true;
        // Longer than the portal's refresh margin (30 s), as real tokens are: refreshed once it is 10 s old, not on every
        // request (a lifetime inside the margin made every request, the live list's checks too, refresh and rotate).
        _provider.AccessTokenLifetime = TimeSpan.FromSeconds(40);
        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, 1280);
        var page = await context.NewPageAsync();
        var refreshes = _provider.Refreshes;
        await page.GotoAsync($"/alerts?q={_clinicNumber}");
        await PressAsync(page, "Sign in with Northside Hospital");
        Assert.That(await page.Locator("#alerts > li").CountAsync(), Is.GreaterThanOrEqualTo(1), await page.InnerTextAsync("main"));

        var refreshed = await RunningSystem.EventuallyAsync(async () =>
        {
            await page.ReloadAsync();
            return _provider.Refreshes;
        }, n => n > refreshes, TimeSpan.FromSeconds(60));
        Assert.That(refreshed, Is.GreaterThan(refreshes), "the portal refreshed the expired access token");
        Assert.Multiple(async () =>
        {
            Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/alerts"), "still signed in");
            Assert.That(await page.Locator("#alerts > li").CountAsync(), Is.GreaterThanOrEqualTo(1), "the notifier took the refreshed token");
            Assert.That(_provider.Problems, Is.Empty);
        });
    }

    [Test]
    public async Task Without_a_refresh_token_an_expired_session_ends_in_plain_words()
    {
        _provider.AccessTokenLifetime = TimeSpan.FromSeconds(6);
        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, 390);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/alerts?q={_clinicNumber}");
        await PressAsync(page, "Sign in with Northside Hospital");
        Assert.That(await page.Locator("#alerts > li").CountAsync(), Is.GreaterThanOrEqualTo(1), await page.InnerTextAsync("main"));

        var url = await RunningSystem.EventuallyAsync(async () =>
        {
            await page.ReloadAsync();
            return page.Url;
        }, u => u.Contains("/signin", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.That(url, Does.Contain("/signin?ReturnUrl=").And.Contain("session=ended"));
        Assert.That(await page.Locator("#session-ended").InnerTextAsync(), Is.EqualTo("Your session has ended, sign in again."));
        Assert.That(await page.Locator(".error-summary").CountAsync(), Is.Zero, "an ended session is not shown as an error");
        await AssertGoodPageAsync(page, "session ended");

        // Signing in again goes straight back to the page.
        await PressAsync(page, "Sign in with Northside Hospital");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/alerts"));
    }

    [Test]
    public async Task A_provider_account_without_a_Surveys_role_is_told_so_and_not_signed_in()
    {
        _provider.NextUser = ("visitor.oidc", ["library"]);
        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, 390);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await PressAsync(page, "Sign in with Northside Hospital");
        Assert.That(page.Url, Does.Contain("/signin?failed=role"));
        Assert.That(await page.Locator(".error-summary").InnerTextAsync(), Does.Contain("has no Surveys role"));
        await AssertGoodPageAsync(page, "no Surveys role");
        await page.GotoAsync("/");
        Assert.That(page.Url, Does.Contain("/signin"), "not signed in");
    }
}
