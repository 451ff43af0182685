using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.Intake.Tests.Staff;

/// <summary>
/// POST /api/auth/token and the staff accounts API (/api/users): a token for the right password only, a failed sign-in
/// answered with problem details that say nothing about why, accounts admin-only, a disabled account's token dead at once.
/// </summary>
public class TokenTests
{
    private IntakeFactory _intake = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _intake = await IntakeFactory.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _intake.DisposeAsync();

    [Test]
    public async Task The_right_password_gets_a_bearer_token_with_the_accounts_roles()
    {
        var response = await _intake.Patient.PostAsJsonAsync("/api/auth/token", new { userName = "nurse1", password = _intake.NursePassword });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Multiple(() =>
        {
            Assert.That(body["tokenType"]!.GetValue<string>(), Is.EqualTo("Bearer"));
            Assert.That(body["userName"]!.GetValue<string>(), Is.EqualTo("nurse1"));
            Assert.That(body["roles"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "nurse" }));
            Assert.That(body["expiresIn"]!.GetValue<int>(), Is.EqualTo(30 * 60));
        });
        using var nurse = _intake.WithToken(body["accessToken"]!.GetValue<string>());
        Assert.That((await nurse.GetAsync(new Uri("/api/patients?q=x", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the token works");
    }

    [TestCase("nurse1", "not-the-password")]
    [TestCase("nobody.here", "whatever-password")]
    [TestCase("", "")]
    public async Task A_wrong_password_or_unknown_account_gets_the_same_problem(string userName, string password)
    {
        var problem = await Problems.ReadAsync(
            await _intake.Patient.PostAsJsonAsync("/api/auth/token", new { userName, password }), HttpStatusCode.Unauthorized);

        Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo("Sign-in failed"));
        Assert.That(problem.ToJsonString(), Does.Not.Contain(password == "" ? "\u0000" : password));
    }

    [Test]
    public async Task Accounts_are_listed_without_passwords_and_for_admins_only()
    {
        using var nurse = _intake.As("nurse");
        using var anonymous = _intake.Anonymous();

        var list = (await _intake.Admin.GetFromJsonAsync<JsonArray>("/api/users"))!;

        Assert.Multiple(async () =>
        {
            Assert.That(list.Select(u => u!["userName"]!.GetValue<string>()), Is.SupersetOf(new[] { "admin", "nurse1", "operator1" }));
            Assert.That(list.ToJsonString(), Does.Not.Contain(_intake.NursePassword).And.Not.Contain(_intake.AdminPassword));
            Assert.That((await nurse.GetAsync(new Uri("/api/users", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await anonymous.GetAsync(new Uri("/api/users", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task A_disabled_accounts_token_stops_working_and_it_cannot_sign_in_again()
    {
        const string password = "a-temporary-password-1";
        (await _intake.Admin.PostAsJsonAsync("/api/users", new { userName = "leaving.nurse", roles = new[] { "nurse" }, password })).EnsureSuccessStatusCode();
        using var leaving = _intake.WithToken(await _intake.TokenAsync("leaving.nurse", password));
        Assert.That((await leaving.PostAsync(new Uri("/api/auth/session", UriKind.Relative), null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        (await _intake.Admin.DeleteAsync(new Uri("/api/users/leaving.nurse", UriKind.Relative))).EnsureSuccessStatusCode();

        Assert.Multiple(async () =>
        {
            Assert.That((await leaving.PostAsync(new Uri("/api/auth/session", UriKind.Relative), null)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the session check says changed");
            Assert.That((await leaving.GetAsync(new Uri("/api/patients?q=x", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That((await _intake.Patient.PostAsJsonAsync("/api/auth/token", new { userName = "leaving.nurse", password })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    /// <summary>Moved from the system suite's SessionRevalidationTests (hole 6 of issue 18): intake alone.</summary>
    [Test]
    public async Task An_account_disabled_on_intake_loses_its_bearer_token_there_on_the_next_action()
    {
        var password = $"gone-{Guid.NewGuid():N}";
        (await _intake.Admin.PostAsJsonAsync("/api/users", new { userName = "goneadmin", roles = new[] { "admin" }, password })).EnsureSuccessStatusCode();
        using var api = _intake.WithToken(await _intake.TokenAsync("goneadmin", password));
        Assert.That((await api.PostAsync(new Uri("/api/patients", UriKind.Relative), null)).StatusCode, Is.EqualTo(HttpStatusCode.Created));

        (await _intake.Admin.DeleteAsync(new Uri("/api/users/goneadmin", UriKind.Relative))).EnsureSuccessStatusCode();
        var after = await api.PostAsync(new Uri("/api/patients", UriKind.Relative), null);

        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await after.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>(), Is.EqualTo("Session ended"));
    }
}
