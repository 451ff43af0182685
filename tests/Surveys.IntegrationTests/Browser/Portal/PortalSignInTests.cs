using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser.Portal;

/// <summary>
/// Issue 21: one sign-in and one cookie for every role on the staff portal, role-aware navigation, a clear page for a
/// role one does not have, and sign-in and sign-out that never break another service's pages on the same host.
/// </summary>
[NonParallelizable]
public class PortalSignInTests : BrowserTest
{
    [Test]
    public async Task Each_role_signs_in_once_and_sees_only_its_own_places()
    {
        const int width = 390; // the whole job once, on a phone; every page is also checked and shot at 1280 px
        await using var context = await ContextAsync(width);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        Assert.That(page.Url, Does.Contain("/signin?ReturnUrl=%2F"), "the portal asks who you are first");
        await page.FillAsync("#userName", "nurse1");
        await page.FillAsync("#password", "not-the-password");
        var refused = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.That(refused.Status, Is.EqualTo(401));
        Assert.That(await page.Locator(".error-summary").InnerTextAsync(), Does.Contain("The user name or password is not right."));
        Assert.That(await page.InputValueAsync("#password"), Is.Empty, "a password is never written back into the page");
        await AssertGoodPageAsync(page, "sign-in error");

        await page.FillAsync("#password", Platform.NursePassword);
        await PressAsync(page, "Sign in");
        var navigation = await page.Locator("nav[aria-label=Main]").InnerTextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/"));
            Assert.That(navigation, Does.Contain("Alerts").And.Contain("Patients"));
            Assert.That(navigation, Does.Not.Contain("Staff accounts").And.Not.Contain("Pipeline"), "a nurse sees a nurse's places only");
        });
        await ShotAtEachWidthAsync(page, "portal-home-nurse");
        await AssertGoodPageAsync(page, "nurse's home");

        await PressAsync(page, "Sign out");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/signin"));
        await page.GotoAsync("/");
        Assert.That(page.Url, Does.Contain("/signin"), "signed out means signed out");

        await page.FillAsync("#userName", "operator1");
        await page.FillAsync("#password", Platform.OperatorPassword);
        await PressAsync(page, "Sign in");
        navigation = await page.Locator("nav[aria-label=Main]").InnerTextAsync();
        Assert.That(navigation, Does.Contain("Pipeline").And.Not.Contain("Alerts").And.Not.Contain("Patients"));
    }

    [Test]
    public async Task A_page_for_another_role_says_so_in_plain_words()
    {
        await using var context = await ContextAsync(390);
        var page = await context.NewPageAsync();
        await SignInAsync(page, "operator1", Platform.OperatorPassword);

        var response = await page.GotoAsync("/not-allowed");
        Assert.That(response!.Status, Is.EqualTo(403));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("This page is not for your role"));
        Assert.That(await page.InnerTextAsync("main"), Does.Contain("operator1").And.Contain("(operator)"));
        await AssertGoodPageAsync(page, "not allowed");
    }

    [Test]
    public async Task A_sign_out_from_another_site_is_refused_and_the_person_stays_signed_in()
    {
        await using var context = await ContextAsync(1280);
        var page = await context.NewPageAsync();
        await SignInAsync(page, "admin", Platform.AdminPassword);

        // A form on another site posting to /signout carries no antiforgery token of the portal's.
        var forged = await context.APIRequest.PostAsync("/signout", new() { Form = context.APIRequest.CreateFormData(), MaxRedirects = 0 });
        Assert.That(forged.Headers["location"], Is.EqualTo("/?signout=refused"));
        await page.GotoAsync(forged.Headers["location"]);
        Assert.That(await page.Locator(".error-summary").InnerTextAsync(), Does.Contain("You are still signed in"));
        Assert.That(await page.Locator("#signout").IsVisibleAsync(), Is.True);
        await AssertGoodPageAsync(page, "sign-out refused");
    }

    [Test]
    public async Task Signing_in_to_the_portal_and_opening_a_patients_page_on_the_same_host_break_neither()
    {
        // Cookies belong to a host, not a port: the portal's and intake's cookies must not replace each other.
        var token = await Platform.NewInvitationAsync("phq9");
        await using var context = await ContextAsync(390);
        var staff = await context.NewPageAsync();
        await SignInAsync(staff, "nurse1", Platform.NursePassword);

        var patient = await context.NewPageAsync();
        await patient.GotoAsync(new Uri(Platform.Intake.BaseAddress, $"/s/{token}/q/1").ToString());
        await patient.ClickAsync("label[for='answer-0']");
        await PressAsync(patient, "Continue");
        Assert.That(patient.Url, Does.EndWith("/q/2"), "the patient's form still works beside a staff sign-in");

        await staff.ReloadAsync();
        Assert.That(new Uri(staff.Url).AbsolutePath, Is.EqualTo("/"), "still signed in to the portal");
        await PressAsync(staff, "Sign out");
        Assert.That(new Uri(staff.Url).AbsolutePath, Is.EqualTo("/signin"), "and its sign-out form still works");
    }

    private Task<IBrowserContext> ContextAsync(int width) => Browser.StaffAsync(Platform.Portal.BaseAddress, width);

    private static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/signin");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", password);
        await PressAsync(page, "Sign in");
    }
}
