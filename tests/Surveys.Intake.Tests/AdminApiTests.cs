using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.Intake.Tests;

/// <summary>
/// Issue 21: the intake endpoints the portal's admin pages need: a password reset (a new password shown once, the old one
/// dead, audited) and replacing a patient's contacts (the enrolment's rules, audited without the addresses).
/// </summary>
public class AdminApiTests
{
    private IntakeFactory _intake = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _intake = await IntakeFactory.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _intake.DisposeAsync();

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<JsonArray> AuditAsync(string action) =>
        (await _intake.Admin.GetFromJsonAsync<JsonArray>($"/api/audit?action={action}"))!;

    [Test]
    public async Task A_password_reset_gives_a_new_password_once_the_old_one_stops_working_and_it_is_audited()
    {
        const string oldPassword = "the-old-password-1";
        (await _intake.Admin.PostAsJsonAsync("/api/users", new { userName = "reset.me", roles = new[] { "nurse" }, password = oldPassword })).EnsureSuccessStatusCode();

        var response = await _intake.Admin.PostAsync(new Uri("/api/users/reset.me/password", UriKind.Relative), null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var password = (await response.Content.ReadFromJsonAsync<JsonObject>())!["password"]!.GetValue<string>();
        Assert.That(password, Has.Length.GreaterThanOrEqualTo(12).And.Not.EqualTo(oldPassword));
        var withOld = await _intake.Patient.PostAsJsonAsync("/api/auth/token", new { userName = "reset.me", password = oldPassword });
        Assert.That(withOld.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the old password no longer works");
        await _intake.TokenAsync("reset.me", password); // the new one does
        var entry = (await AuditAsync("user_password_reset")).Single(e => e!["target"]!.GetValue<string>() == "reset.me")!;
        Assert.Multiple(() =>
        {
            Assert.That(entry["actor"]!.GetValue<string>(), Is.EqualTo("admin"));
            Assert.That(entry["outcome"]!.GetValue<string>(), Is.EqualTo("ok"));
            Assert.That(entry.ToJsonString(), Does.Not.Contain(password), "the password is kept nowhere");
        });
    }

    [Test]
    public async Task A_password_reset_is_refused_to_a_nurse_and_for_a_malformed_or_unknown_account()
    {
        using var nurse = _intake.As("nurse");
        var byNurse = await nurse.PostAsync(new Uri("/api/users/nurse1/password", UriKind.Relative), null);
        var malformed = await ProblemAsync(await _intake.Admin.PostAsync(new Uri("/api/users/Not%20A%20Name!/password", UriKind.Relative), null), HttpStatusCode.BadRequest);
        var unknown = await ProblemAsync(await _intake.Admin.PostAsync(new Uri("/api/users/nobody.here/password", UriKind.Relative), null), HttpStatusCode.NotFound);

        Assert.Multiple(() =>
        {
            Assert.That(byNurse.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(malformed["errors"]!["userName"]![0]!.GetValue<string>(), Is.Not.Empty);
            Assert.That(unknown["title"]!.GetValue<string>(), Is.EqualTo("No such active account"));
        });
        await _intake.TokenAsync("nurse1", _intake.NursePassword); // the nurse's password is unchanged
    }

    [Test]
    public async Task A_patients_contacts_are_replaced_by_the_enrolments_rules_and_audited_without_the_addresses()
    {
        var patientId = await _intake.CreatePatientAsync();

        var response = await _intake.Admin.PutAsJsonAsync($"/api/patients/{patientId}/contacts",
            new { contacts = new[] { new { channel = "email", address = "asha@example.org" }, new { channel = "sms", address = "+919812345678" } } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var patient = (await _intake.Admin.GetFromJsonAsync<JsonObject>($"/api/patients/{patientId}"))!;
        Assert.That(patient["contacts"]!.AsArray().Select(c => $"{c!["channel"]} {c["address"]}"), Is.EqualTo(new[] { "email asha@example.org", "sms +919812345678" }));

        (await _intake.Admin.PutAsJsonAsync($"/api/patients/{patientId}/contacts", new { contacts = new[] { new { channel = "sms", address = "+919800000000" } } })).EnsureSuccessStatusCode();
        patient = (await _intake.Admin.GetFromJsonAsync<JsonObject>($"/api/patients/{patientId}"))!;
        Assert.That(patient["contacts"]!.AsArray().Select(c => $"{c!["channel"]} {c["address"]}"), Is.EqualTo(new[] { "sms +919800000000" }), "replaced, not added to");

        var entry = (await AuditAsync("patient_contacts_change")).First(e => e!["target"]!.GetValue<string>().StartsWith(patientId.ToString(), StringComparison.Ordinal))!;
        Assert.That(entry["target"]!.GetValue<string>(), Is.EqualTo($"{patientId} (sms)"), "the channels, never an address");
    }

    [Test]
    public async Task Changing_contacts_is_refused_to_a_nurse_for_bad_input_and_for_an_unknown_patient()
    {
        var patientId = await _intake.CreatePatientAsync();
        using var nurse = _intake.As("nurse");
        var contacts = new { contacts = new[] { new { channel = "email", address = "fine@example.org" }, new { channel = "sms", address = "98123" } } };

        var byNurse = await nurse.PutAsJsonAsync($"/api/patients/{patientId}/contacts", contacts);
        var bad = await ProblemAsync(await _intake.Admin.PutAsJsonAsync($"/api/patients/{patientId}/contacts", contacts), HttpStatusCode.BadRequest);
        var unknown = await ProblemAsync(
            await _intake.Admin.PutAsJsonAsync($"/api/patients/{Guid.NewGuid()}/contacts", new { contacts = Array.Empty<object>() }), HttpStatusCode.NotFound);

        Assert.Multiple(() =>
        {
            Assert.That(byNurse.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(bad["errors"]!["contacts[1].address"]![0]!.GetValue<string>(), Does.Contain("international form"));
            Assert.That(unknown["title"]!.GetValue<string>(), Is.EqualTo("Patient not found"));
        });
        var patient = (await _intake.Admin.GetFromJsonAsync<JsonObject>($"/api/patients/{patientId}"))!;
        Assert.That(patient["contacts"]!.AsArray(), Is.Empty, "nothing of a refused change is kept");
    }
}
