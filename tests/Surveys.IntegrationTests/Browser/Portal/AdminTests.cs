using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser.Portal;

/// <summary>
/// Issue 21: an administrator's whole job in the portal: staff accounts (add, roles, reset a password, disable), enrolling a
/// patient, contacts and protocol, invitations and resend, the audit trail and the research files; every page passes axe
/// and fits 390 and 1280 px.
/// </summary>
[NonParallelizable]
public partial class AdminTests : BrowserTest
{
    [Test]
    public async Task The_admin_adds_a_nurse_changes_her_roles_resets_her_password_and_disables_her()
    {
        const int width = 390; // the whole job once, on a phone; every page is also checked and shot at 1280 px
        var userName = $"anita-{width}";
        await using var context = await ContextAsync(width);
        var page = await context.NewPageAsync();
        await SignInAsync(page, "admin", Platform.AdminPassword);

        await page.GotoAsync("/staff-accounts");
        Assert.That(await page.InnerTextAsync("main table"), Does.Contain("nurse1").And.Contain("operator1").And.Contain("administrator"));
        await AssertGoodPageAsync(page, "staff accounts");
        await NavigateByAsync(page, () => page.GetByRole(AriaRole.Link, new() { Name = "Add an account" }).ClickAsync());
        await AssertGoodPageAsync(page, "add an account");

        await page.FillAsync("#userName", "Anita Rao");
        var refused = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Add the account" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.That(refused.Status, Is.EqualTo(400));
        Assert.That(await page.TitleAsync(), Does.StartWith("Error: "));
        Assert.That(await page.InnerTextAsync(".error-summary"), Does.Contain("lower-case letters").And.Contain("Choose one or more roles."));
        await AssertGoodPageAsync(page, "add an account refused");

        await page.FillAsync("#userName", userName);
        await page.CheckAsync("#role-nurse");
        await PressAsync(page, "Add the account");
        Assert.That(await page.InnerTextAsync("main"), Does.Contain("Account added").And.Contain("Give it to them privately"));
        var password = await page.InnerTextAsync("#new-password");
        await ShotAtEachWidthAsync(page, "portal-account-added");
        await AssertGoodPageAsync(page, "account added");
        Assert.That(await SignsInAsync(width, userName, password), Is.True, "the new nurse signs in with the password shown");

        await page.GotoAsync($"/staff-accounts/{userName}");
        Assert.That(await page.InnerTextAsync("dl"), Does.Contain("nurse").And.Contain("Enabled"));
        await AssertGoodPageAsync(page, "an account");
        await page.UncheckAsync("#role-nurse");
        refused = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Save the roles" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.That(refused.Status, Is.EqualTo(400), "no role at all is refused");
        Assert.That(await page.InnerTextAsync(".error-summary"), Does.Contain("Choose one or more roles."));
        await AssertGoodPageAsync(page, "roles refused");
        await page.CheckAsync("#roles"); // administrator
        await page.CheckAsync("#role-nurse");
        await PressAsync(page, "Save the roles");
        Assert.That(await page.InnerTextAsync("dl"), Does.Contain("administrator, nurse"));
        Assert.That(await page.InnerTextAsync("[role=status]"), Does.Contain("sign in again"));

        await PressAsync(page, "Reset the password");
        var newPassword = await page.InnerTextAsync("#new-password");
        Assert.That(newPassword, Is.Not.EqualTo(password));
        await AssertGoodPageAsync(page, "password reset");
        Assert.That(await SignsInAsync(width, userName, password), Is.False, "the old password no longer works");
        Assert.That(await SignsInAsync(width, userName, newPassword), Is.True, "the new one does");

        await NavigateByAsync(page, () => page.GetByRole(AriaRole.Link, new() { Name = "Disable the account…" }).ClickAsync());
        Assert.That(await page.InnerTextAsync("h1"), Is.EqualTo($"Disable the account {userName}?"));
        await AssertGoodPageAsync(page, "disable an account");
        await PressAsync(page, $"Yes, disable {userName}");
        Assert.That(page.Url, Does.Contain("/staff-accounts?disabled="));
        var row = page.Locator("tr", new() { HasText = userName });
        Assert.That(await row.InnerTextAsync(), Does.Contain("Disabled"));
        await AssertGoodPageAsync(page, "account disabled");
        Assert.That(await SignsInAsync(width, userName, newPassword), Is.False, "a disabled account cannot sign in");
    }

    [Test]
    public async Task The_admin_enrols_a_patient_changes_her_contacts_and_resends_an_invitation()
    {
        const int width = 390; // the whole job once, on a phone; every page is also checked and shot at 1280 px
        var protocols = (await Platform.IntakeClient.GetFromJsonAsync<JsonArray>("/api/protocols"))!;
        var protocolTitle = protocols[0]!["title"]!.GetValue<string>();
        await using var context = await ContextAsync(width);
        var page = await context.NewPageAsync();
        await SignInAsync(page, "admin", Platform.AdminPassword);

        await page.GotoAsync("/patients/new");
        await AssertGoodPageAsync(page, "enrol");
        await page.FillAsync("#displayName", $"Asha Verma {width}");
        await page.SelectOptionAsync("#protocol", new SelectOptionValue { Label = protocolTitle });
        await page.FillAsync("#mobile", "98123");
        var refused = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Enrol the patient" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.That(refused.Status, Is.EqualTo(400));
        Assert.That(await page.InnerTextAsync(".error-summary"), Does.Contain("index date").And.Contain("international form"));
        await AssertGoodPageAsync(page, "enrolment refused");

        await page.FillAsync("#indexDate", DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.FillAsync("#mobile", "+919812345678");
        await PressAsync(page, "Enrol the patient");
        var id = PatientPath().Match(new Uri(page.Url).AbsolutePath);
        Assert.That(id.Success, Is.True, $"lands on the patient's page, not {page.Url}");
        var patientId = id.Groups[1].Value;

        await page.GotoAsync($"/patients/{patientId}/invitations");
        Assert.That(await page.InnerTextAsync("h1"), Is.EqualTo($"Asha Verma {width}'s invitations"));
        var table = await page.InnerTextAsync("main table");
        Assert.That(table, Does.Contain("Waiting for an answer").And.Not.Contain("phq9"), "states and questionnaires in words");
        await ShotAtEachWidthAsync(page, "portal-invitations");
        await AssertGoodPageAsync(page, "invitations");
        await NavigateByAsync(page, () => page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Resend") }).First.ClickAsync());
        Assert.That(await page.InnerTextAsync("[role=status]"), Does.Contain("A new link is on its way"));
        Assert.That(await page.InnerTextAsync("main table"), Does.Contain("Replaced by a newer link"));

        await page.GotoAsync($"/patients/{patientId}/edit");
        Assert.That(await page.InputValueAsync("#mobile"), Is.EqualTo("+919812345678"));
        await AssertGoodPageAsync(page, "edit a patient");
        await page.FillAsync("#email", "not an address");
        refused = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Save the contacts" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.That(refused.Status, Is.EqualTo(400));
        Assert.That(await page.InnerTextAsync(".error-summary"), Does.Contain("e-mail address"));
        await AssertGoodPageAsync(page, "contacts refused");
        await page.FillAsync("#email", "asha@example.org");
        await PressAsync(page, "Save the contacts");
        Assert.That(await page.InnerTextAsync("[role=status]"), Does.Contain("The contacts are saved."));
        var patient = (await Platform.IntakeClient.GetFromJsonAsync<JsonObject>($"/api/patients/{patientId}"))!;
        Assert.That(patient["contacts"]!.AsArray().Select(c => c!["address"]!.GetValue<string>()), Is.EquivalentTo(new[] { "asha@example.org", "+919812345678" }));
    }

    [Test]
    public async Task The_admin_reads_the_audit_trail_by_person_and_downloads_the_research_files()
    {
        const int width = 390; // the whole job once, on a phone; every page is also checked and shot at 1280 px
        await using var context = await ContextAsync(width);
        var page = await context.NewPageAsync();
        await SignInAsync(page, "admin", Platform.AdminPassword);

        await page.GotoAsync("/audit");
        await page.FillAsync("#person", "nurse1");
        await PressAsync(page, "Show");
        var rows = await page.Locator("main tbody tr").AllInnerTextsAsync();
        Assert.That(rows, Is.Not.Empty);
        Assert.That(rows, Has.All.Contain("nurse1"), "only the person asked for");
        Assert.That(rows, Has.Some.Contain("Signed in"), "actions in words");
        Assert.That(string.Join('\n', rows), Does.Not.Contain("sign_in"));
        await ShotAtEachWidthAsync(page, "portal-audit");
        await AssertGoodPageAsync(page, "audit trail");

        await page.GotoAsync("/audit?since=yesterday");
        Assert.That(await page.InnerTextAsync(".error-summary"), Does.Contain("Give the date"));
        await AssertGoodPageAsync(page, "audit trail refused");

        await page.GotoAsync("/research");
        await AssertGoodPageAsync(page, "research");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("a[href='/research/files/export?instrument=phq9']").ClickAsync());
        Assert.That(download.SuggestedFilename, Is.EqualTo("phq9-export.csv"));
        var export = await context.APIRequest.GetAsync("/research/files/export?instrument=phq9");
        var dictionary = await context.APIRequest.GetAsync("/research/files/dictionary?instrument=phq9");
        var report = await context.APIRequest.GetAsync("/research/files/outcomes-report?protocol=t1d-followup");
        Assert.Multiple(async () =>
        {
            Assert.That(export.Headers["content-type"], Is.EqualTo("text/csv; charset=utf-8"));
            Assert.That(await export.TextAsync(), Does.StartWith("patient_id"));
            Assert.That(dictionary.Headers["content-disposition"], Does.Contain("phq9-dictionary.csv"));
            Assert.That(report.Headers["content-type"], Does.StartWith("text/html"));
            Assert.That(report.Headers["content-disposition"], Does.Contain("outcomes-report.html"));
        });
        var audited = (await Platform.IntakeClient.GetFromJsonAsync<JsonArray>("/api/audit?action=research_export"))!;
        Assert.That(audited.Select(e => e!["actor"]!.GetValue<string>()), Has.Some.EqualTo("admin"), "the download went through intake as the admin");
    }

    [GeneratedRegex("^/patients/([0-9a-f-]{36})$")]
    private static partial Regex PatientPath();

    private Task<IBrowserContext> ContextAsync(int width) => Browser.StaffAsync(Platform.Portal.BaseAddress, width);

    /// <summary>Whether the person can sign in to the portal now, in a browser of their own.</summary>
    private async Task<bool> SignsInAsync(int width, string userName, string password)
    {
        await using var context = await ContextAsync(width);
        var page = await context.NewPageAsync();
        await SignInAsync(page, userName, password);
        return new Uri(page.Url).AbsolutePath == "/" && await page.Locator("#signout").IsVisibleAsync();
    }

    private static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/signin");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", password);
        await PressAsync(page, "Sign in");
    }
}
