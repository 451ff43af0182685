using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Surveys.IntegrationTests;

/// <summary>Staff identity, web hygiene, the audit trail and privacy, on the real system.</summary>
[NonParallelizable]
public partial class SecurityTests
{
    private RunningSystem _system = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _system = await RunningSystem.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _system.DisposeAsync();

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

/// <summary>
/// Hole 6 of issue 18: a session outlives nothing. Sessions are checked against the account at least every minute and on
/// every action, across the services (the portal and the notifier ask intake). Intake's own check of its bearer tokens
/// is in its functional tests (TokenTests).
/// </summary>
[NonParallelizable]
public partial class SessionRevalidationTests
{
    private RunningSystem _system = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _system = await RunningSystem.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _system.DisposeAsync();

    [Test]
    public async Task A_disabled_nurse_cannot_acknowledge_an_alert_with_her_existing_portal_session()
    {
        var password = $"night-{Guid.NewGuid():N}";
        await AddUserAsync("nightnurse", password, "nurse");
        var bearer = await _system.TokenAsync("nightnurse", password);
        using var browser = PortalForms.Browser(_system.Portal.BaseAddress);
        Assert.That((await PortalForms.SignInAsync(browser, "nightnurse", password)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed in on the portal");
        var alertId = await NewUrgentAlertAsync();
        var page = await browser.GetStringAsync(new Uri($"/alerts/{alertId}", UriKind.Relative));
        Assert.That(page, Does.Contain("id=\"acknowledge\""), "the alert page offers Acknowledge");

        (await _system.IntakeClient.DeleteAsync(new Uri("/api/users/nightnurse", UriKind.Relative))).EnsureSuccessStatusCode();

        var byPage = await PortalForms.PressAsync(browser, $"/alerts/{alertId}", "acknowledge", page);
        using var api = new HttpClient { BaseAddress = _system.Notifier.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        var byApi = await api.PostAsync(new Uri($"/api/alerts/{alertId}/acknowledge", UriKind.Relative), null);
        var afterwards = await browser.GetAsync(new Uri("/alerts", UriKind.Relative));
        var status = await AlertStatusAsync(alertId);

        Assert.Multiple(() =>
        {
            Assert.That(byPage.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "sent to sign in again");
            Assert.That(PortalForms.Location(browser, byPage).AbsolutePath, Is.EqualTo("/signin"));
            Assert.That(PortalForms.EndsSession(byPage), Is.True, "the cookie is removed");
            Assert.That(byApi.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(PortalForms.Location(browser, afterwards).AbsolutePath, Is.EqualTo("/signin"), "and stays removed");
            Assert.That(status, Is.EqualTo("open"), "nobody acknowledged it: its escalation goes on");
        });
    }

    [Test]
    public async Task A_role_removed_takes_effect_on_the_next_portal_action()
    {
        var password = $"moved-{Guid.NewGuid():N}";
        await AddUserAsync("portalmover", password, "nurse", "operator");
        using var browser = PortalForms.Browser(_system.Portal.BaseAddress);
        Assert.That((await PortalForms.SignInAsync(browser, "portalmover", password)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var alertId = await NewUrgentAlertAsync();
        var page = await browser.GetStringAsync(new Uri($"/alerts/{alertId}", UriKind.Relative));
        Assert.That(page, Does.Contain("id=\"acknowledge\""), "a nurse may act on it");

        (await _system.IntakeClient.PutAsJsonAsync("/api/users/portalmover/roles", new { roles = new[] { "operator" } })).EnsureSuccessStatusCode();
        var acknowledge = await PortalForms.PressAsync(browser, $"/alerts/{alertId}", "acknowledge", page);

        Assert.Multiple(async () =>
        {
            Assert.That(acknowledge.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "within the minute the page was trusted for, the action asked intake afresh");
            Assert.That(PortalForms.Location(browser, acknowledge).AbsolutePath, Is.EqualTo("/signin"));
            Assert.That(PortalForms.EndsSession(acknowledge), Is.True);
            Assert.That(await AlertStatusAsync(alertId), Is.EqualTo("open"));
        });
    }

    [Test]
    public async Task A_role_removed_takes_effect_on_the_next_alert_action()
    {
        var password = $"moved-{Guid.NewGuid():N}";
        await AddUserAsync("movednurse", password, "nurse", "operator");
        using var api = new HttpClient { BaseAddress = _system.Notifier.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", await _system.TokenAsync("movednurse", password));
        var alertId = await NewUrgentAlertAsync();
        Assert.That((await api.GetAsync(new Uri($"/api/alerts/{alertId}", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a nurse may read it");

        (await _system.IntakeClient.PutAsJsonAsync("/api/users/movednurse/roles", new { roles = new[] { "operator" } })).EnsureSuccessStatusCode();
        var acknowledge = await api.PostAsync(new Uri($"/api/alerts/{alertId}/acknowledge", UriKind.Relative), null);

        Assert.That(acknowledge.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "within the minute the read was trusted for, the action asked intake afresh");
        Assert.That(await AlertStatusAsync(alertId), Is.EqualTo("open"));
    }

    private async Task AddUserAsync(string userName, string password, params string[] roles) =>
        (await _system.IntakeClient.PostAsJsonAsync("/api/users", new { userName, roles, password })).EnsureSuccessStatusCode();

    private async Task<Guid> NewUrgentAlertAsync()
    {
        var patientId = await _system.CreatePatientAsync();
        var token = await _system.InviteAsync(patientId, "phq9");
        await _system.SubmitAsync(token, Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i == 9 ? 2 : 1));
        var alerts = await RunningSystem.EventuallyAsync(
            async () => (await _system.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!, a => a.Count > 0, TimeSpan.FromSeconds(30));
        Assert.That(alerts, Is.Not.Empty, "the critical answer raised an alert");
        return alerts[0]!["id"]!.GetValue<Guid>();
    }

    private async Task<string> AlertStatusAsync(Guid alertId) =>
        (await _system.NotifierClient.GetFromJsonAsync<JsonObject>($"/api/alerts/{alertId}"))!["alert"]!["status"]!.GetValue<string>();
}

/// <summary>
/// Hole 5 of issue 18: outside Development nothing urgent goes to a development outbox (real processes started in
/// Production). That Development says so on every page is checked per service in the functional tests.
/// </summary>
[NonParallelizable]
public partial class DevelopmentModeTests
{
    public const string Banner = "Development: messages are not sent";

    [Test]
    public async Task In_production_a_service_without_a_real_urgent_alert_channel_refuses_to_start()
    {
        var logs = Directory.CreateTempSubdirectory("surveys-refusal-").FullName;
        try
        {
            var common = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
                ["Storage__DataDirectory"] = logs,
            };
            await using var notifier = ServiceProcess.Start("Notifier", logs, common);
            await using var intake = ServiceProcess.Start("Intake", logs, new Dictionary<string, string>(common) { ["Delivery__Channels__email"] = "outbox" });

            var notifierRefusal = Assert.ThrowsAsync<InvalidOperationException>(() => notifier.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));
            var intakeRefusal = Assert.ThrowsAsync<InvalidOperationException>(() => intake.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));

            Assert.Multiple(() =>
            {
                Assert.That(notifierRefusal!.Message, Does.Contain("exited with code").And.Contain("Alerting:Contacts is empty, so urgent alerts would reach nobody"));
                Assert.That(intakeRefusal!.Message, Does.Contain("exited with code").And.Contain("Delivery:Channels:email is 'outbox'"));
            });
        }
        finally
        {
            Directory.Delete(logs, recursive: true);
        }
    }

    [Test]
    public async Task Development_outbox_pages_do_not_exist_outside_development()
    {
        // Production with a real channel for urgent alerts (a webhook to a receiver on this machine): it starts.
        await using var system = await RunningSystem.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Alerting__Contacts__0__Name"] = "ward",
            ["Alerting__Contacts__0__Webhook"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}/alerts",
            ["Alerting__WebhookSecret"] = "a-webhook-secret-of-some-length",
        });
        using var nurse = new HttpClient { BaseAddress = system.Notifier.BaseAddress };
        nurse.DefaultRequestHeaders.Authorization = new("Bearer", system.Tokens["nurse"]);

        var outbox = await system.IntakeClient.GetAsync(new Uri("/api/dev/outbox", UriKind.Relative));
        var alertOutbox = await nurse.GetAsync(new Uri("/api/dev/alert-outbox", UriKind.Relative));
        using var portal = new HttpClient { BaseAddress = system.Portal.BaseAddress };
        var signIn = await portal.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var survey = await system.PatientClient.GetStringAsync(new Uri($"/s/{await system.NewInvitationAsync("phq9")}", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(outbox.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(alertOutbox.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(signIn, Does.Contain("name=\"Form.Password\"").And.Not.Contain(Banner), "the portal's sign-in");
            Assert.That(survey, Does.Not.Contain(Banner), "a patient's survey");
        });
    }
}
