using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Surveys.IntegrationTests.Security;

/// <summary>Staff identity, web hygiene, the audit trail and privacy, on the real system.</summary>
[NonParallelizable]
public partial class SecurityTests
{
    private static RunningSystem _system => SecuritySystem.Current;

    [Test]
    public async Task Pages_and_apis_send_the_security_headers()
    {
        var survey = await _system.PatientClient.GetAsync(new Uri($"/s/{await _system.NewInvitationAsync("phq9")}", UriKind.Relative));
        using var portal = new HttpClient { BaseAddress = _system.Portal.BaseAddress };
        var staffPage = await portal.GetAsync(new Uri("/signin", UriKind.Relative));
        var api = await _system.PatientClient.PostAsJsonAsync("/api/responses", new { token = "x", answers = new { } });

        foreach (var response in new[] { survey, staffPage, api })
        {
            Assert.Multiple(() =>
            {
                Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
                Assert.That(response.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"));
                Assert.That(response.Headers.GetValues("Referrer-Policy").Single(), Is.EqualTo("no-referrer"));
                Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
                var csp = response.Headers.GetValues("Content-Security-Policy").Single();
                Assert.That(csp, Does.Contain("frame-ancestors 'none'").And.Contain("script-src 'self'").And.Not.Contain("unsafe-inline"));
                Assert.That(response.Headers.Contains("Server"), Is.False);
            });
        }
    }

    [Test]
    public async Task A_nurse_signs_in_on_the_portal_with_its_antiforgery_token_and_signs_out()
    {
        using var browser = PortalForms.Browser(_system.Portal.BaseAddress);

        var form = await browser.GetStringAsync(new Uri("/signin", UriKind.Relative));
        Assert.That(form, Does.Contain("for=\"userName\"").And.Contain("autocomplete=\"current-password\""), "a labelled form a password manager can fill");

        var wrong = await PortalForms.SignInAsync(browser, "nurse1", "not-the-password");
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await wrong.Content.ReadAsStringAsync(), Does.Contain("There is a problem").And.Contain("The user name or password is not right."));

        var right = await PortalForms.SignInAsync(browser, "nurse1", _system.NursePassword, "//evil.example/steal");
        Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(PortalForms.Location(browser, right).PathAndQuery, Is.EqualTo("/"), "an off-site return address is ignored");
        var cookie = right.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(PortalForms.Cookie + "=", StringComparison.Ordinal));
        Assert.That(cookie, Does.Contain("httponly").IgnoreCase.And.Contain("samesite=strict").IgnoreCase);

        var home = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.That(PortalForms.Text(home), Does.Contain("Signed in as nurse1"));

        var signOut = await browser.PostAsync(new Uri("/signout", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["__csrf"] = PortalForms.Antiforgery(home) }));
        Assert.That(signOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(PortalForms.Location(browser, signOut).AbsolutePath, Is.EqualTo("/signin"));
        var after = await browser.GetAsync(new Uri("/", UriKind.Relative));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(PortalForms.Location(browser, after).AbsolutePath, Is.EqualTo("/signin"), "signed out means signed out");
    }

    [Test]
    public async Task Five_wrong_passwords_on_the_portal_lock_an_account_from_that_address_even_against_the_right_one_and_say_nothing_more()
    {
        (await _system.IntakeClient.PostAsJsonAsync("/api/users", new { userName = "locky", roles = new[] { "nurse" }, password = "locky-password-123" })).EnsureSuccessStatusCode();
        using var browser = PortalForms.Browser(_system.Portal.BaseAddress);

        var answers = new List<string>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var wrong = await PortalForms.SignInAsync(browser, "locky", $"wrong-{attempt}-password");
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            answers.Add(PortalForms.Error(await wrong.Content.ReadAsStringAsync()));
        }

        var right = await PortalForms.SignInAsync(browser, "locky", "locky-password-123");
        Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the right password is refused from the locked address");
        Assert.That(right.Headers.Contains("Set-Cookie") && right.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(PortalForms.Cookie + "=", StringComparison.Ordinal)), Is.False, "no session");
        Assert.That(answers.Append(PortalForms.Error(await right.Content.ReadAsStringAsync())).Distinct().ToList(),
            Is.EqualTo(new[] { "The user name or password is not right." }), "a lock is not announced");

        var users = await _system.IntakeClient.GetFromJsonAsync<JsonArray>("/api/users");
        Assert.That(users!.Single(u => u!["userName"]!.GetValue<string>() == "locky")!["lockedOut"]!.GetValue<bool>(), Is.True);
        var trail = await _system.IntakeClient.GetFromJsonAsync<JsonArray>("/api/audit?action=sign_in&actor=locky");
        Assert.That(trail!.Any(e => (string?)e!["outcome"] == "locked_out"), Is.True, "the audit trail tells a lock apart");
    }

    [Test]
    public async Task A_disabled_account_cannot_sign_in()
    {
        (await _system.IntakeClient.PostAsJsonAsync("/api/users", new { userName = "leaver", roles = new[] { "operator" }, password = "leaver-password-123" })).EnsureSuccessStatusCode();
        (await _system.IntakeClient.DeleteAsync(new Uri("/api/users/leaver", UriKind.Relative))).EnsureSuccessStatusCode();

        var response = await _system.PatientClient.PostAsJsonAsync("/api/auth/token", new { userName = "leaver", password = "leaver-password-123" });
        using var browser = PortalForms.Browser(_system.Portal.BaseAddress);
        var portal = await PortalForms.SignInAsync(browser, "leaver", "leaver-password-123");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(portal.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "nor on the portal");
            Assert.That(PortalForms.Error(await portal.Content.ReadAsStringAsync()), Is.EqualTo("The user name or password is not right."));
        });
    }

    [Test]
    public async Task Staff_actions_are_in_an_append_only_audit_trail_admins_can_read()
    {
        var patientId = await _system.CreatePatientAsync();
        await _system.InviteAsync(patientId, "phq9");
        await _system.NotifierClient.GetAsync(new Uri($"/api/patients/{patientId}/scores", UriKind.Relative));
        await _system.PatientClient.PostAsJsonAsync("/api/auth/token", new { userName = "nurse1", password = "wrong-password-here" });

        var intake = (await _system.IntakeClient.GetFromJsonAsync<JsonArray>("/api/audit?limit=1000"))!.Select(e => e!.AsObject()).ToList();
        using var notifierAdmin = new HttpClient { BaseAddress = _system.Notifier.BaseAddress };
        notifierAdmin.DefaultRequestHeaders.Authorization = new("Bearer", _system.Tokens["admin"]);
        var notifier = (await notifierAdmin.GetFromJsonAsync<JsonArray>("/api/audit?limit=1000"))!.Select(e => e!.AsObject()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(intake.Any(e => (string)e["action"]! == "patient_enrol" && (string)e["target"]! == patientId.ToString() && (string)e["actor"]! == "admin"), Is.True, "enrolment");
            Assert.That(intake.Any(e => (string)e["action"]! == "invitation_issue" && ((string)e["target"]!).StartsWith(patientId.ToString(), StringComparison.Ordinal)), Is.True, "invitation");
            Assert.That(intake.Any(e => (string)e["action"]! == "sign_in" && (string)e["actor"]! == "nurse1" && (string)e["outcome"]! == "failed"), Is.True, "failed sign-in");
            Assert.That(intake.Any(e => (string)e["action"]! == "user_add" && ((string)e["target"]!).StartsWith("nurse1", StringComparison.Ordinal)), Is.True, "account change");
            Assert.That(intake.All(e => e["clientAddress"] is not null && e["at"] is not null), Is.True, "from where and when");
            Assert.That(notifier.Any(e => (string)e["action"]! == "patient_view" && (string)e["target"]! == patientId.ToString() && (string)e["actor"]! == "nurse1"), Is.True, "viewing a patient");
        });

        await using var db = _system.OpenDatabase("intake");
        await using var tamper = db.CreateCommand();
        tamper.CommandText = "UPDATE audit_events SET actor = 'someone-else'";
        Assert.That(async () => await tamper.ExecuteNonQueryAsync(), Throws.InstanceOf<Microsoft.Data.Sqlite.SqliteException>().With.Message.Contains("append-only"));
        tamper.CommandText = "DELETE FROM audit_events";
        Assert.That(async () => await tamper.ExecuteNonQueryAsync(), Throws.InstanceOf<Microsoft.Data.Sqlite.SqliteException>().With.Message.Contains("append-only"));
    }

    [Test]
    public async Task The_console_signs_in_and_manages_accounts()
    {
        var config = Directory.CreateTempSubdirectory("surveys-cli-").FullName;
        try
        {
            var login = await CliAsync(config, _system.AdminPassword, "login", "--url", _system.Intake.BaseAddress.ToString(), "--user", "admin", "--password-stdin");
            Assert.That(login.ExitCode, Is.Zero, login.Output);
            Assert.That(login.Output, Does.Contain("Signed in as admin"));
            var stored = await File.ReadAllTextAsync(Path.Combine(config, "surveys", "credentials.json"));
            Assert.That(stored, Does.Not.Contain(_system.AdminPassword), "the password is never stored");
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(File.GetUnixFileMode(Path.Combine(config, "surveys", "credentials.json")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            }

            var add = await CliAsync(config, null, "users", "add", "nurse7", "--role", "nurse");
            Assert.That(add.ExitCode, Is.Zero, add.Output);
            var generated = Regex.Match(add.Output, "Password \\(shown this once\\): (\\S+)").Groups[1].Value;
            Assert.That(generated, Has.Length.GreaterThanOrEqualTo(12));
            Assert.That(await _system.TokenAsync("nurse7", generated), Is.Not.Empty, "the generated password works");

            var list = await CliAsync(config, null, "users", "list");
            Assert.That(list.Output, Does.Contain("nurse7").And.Contain("admin"));

            var bad = await CliAsync(config, null, "users", "add", "Bad Name", "--role", "wizard");
            Assert.That(bad.ExitCode, Is.EqualTo(1));
            Assert.That(bad.Output, Does.Contain("400").And.Contain("roles"));

            var disable = await CliAsync(config, null, "users", "disable", "nurse7");
            Assert.That(disable.ExitCode, Is.Zero, disable.Output);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }

    internal static Task<(int ExitCode, string Output)> CliAsync(string configHome, string? stdin, params string[] args) =>
        Cli.RunAsync(new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = configHome }, stdin, args);
}
