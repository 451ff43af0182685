using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Data;

namespace Surveys.Intake.Tests.Delivery;

/// <summary>
/// Enrolment with a protocol, the scheduler's first invitations, the development outbox (the delivery module's, read
/// through <c>GET /api/dev/outbox</c>) and resend: intake alone, with its scheduler and delivery loops running.
/// </summary>
public class FollowUpDeliveryTests
{
    private IntakeFactory _intake = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _intake = await IntakeFactory.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Intake:ClinicName"] = "Riverside Clinic",
        ["Delivery:PollInterval"] = "00:00:01",
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _intake.DisposeAsync();

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static Dictionary<string, int> CalmPhq9() => Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 0);

    private async Task<string> OutboxPageAsync()
    {
        var response = await _intake.Admin.GetAsync(new Uri("/api/dev/outbox", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<string?> TokenOnOutboxPageAsync(string tokenHash)
    {
        var page = await Eventually.ReadAsync(OutboxPageAsync,
            p => Regex.Matches(p, "/s/([A-Za-z0-9_-]{43})").Any(m => Hash(m.Groups[1].Value) == tokenHash), TimeSpan.FromSeconds(15));
        return Regex.Matches(page, "/s/([A-Za-z0-9_-]{43})").Select(m => m.Groups[1].Value).FirstOrDefault(t => Hash(t) == tokenHash);
    }

    private async Task<string> TokenHashAsync(Guid invitationId)
    {
        await using var connection = await _intake.Services.GetRequiredService<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT token_hash FROM invitations WHERE id = @invitationId", new { invitationId }) ?? "";
    }

    [Test]
    public async Task Enrol_with_a_protocol_list_invitations_see_the_message_resend_and_the_old_link_is_replaced()
    {
        // Index date yesterday in Kolkata: the baseline PHQ-9 (open 7 days) is due, whatever the hour.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var yesterday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime).AddDays(-1);
        var enrol = await _intake.Admin.PostAsJsonAsync("/api/patients", new
        {
            displayName = "Asha Example",
            language = "en",
            timeZone = "Asia/Kolkata",
            indexDate = yesterday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            protocol = "t1d-followup",
            contacts = new[] { new { channel = "email", address = "asha@example.org" } },
        });
        Assert.That(enrol.StatusCode, Is.EqualTo(HttpStatusCode.Created), await enrol.Content.ReadAsStringAsync());
        var patientId = (await enrol.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        var patient = (await _intake.Admin.GetFromJsonAsync<JsonObject>($"/api/patients/{patientId}"))!;
        Assert.That(patient["protocol"]!.GetValue<string>(), Is.EqualTo("t1d-followup"));
        Assert.That(patient["timeZone"]!.GetValue<string>(), Is.EqualTo("Asia/Kolkata"));

        var invitations = (await _intake.Admin.GetFromJsonAsync<JsonArray>($"/api/patients/{patientId}/invitations"))!;
        var phq9 = invitations.Single(i => i!["step"]?.GetValue<string>() == "phq9@d0")!;
        Assert.That(phq9["state"]!.GetValue<string>(), Is.EqualTo("open"));
        Assert.That(invitations.Select(i => i!["step"]!.GetValue<string>()), Does.Contain("gad7@d0").And.Contain("who5@m0").And.Contain("paid20@m0").And.Contain("gold@m0"));
        var oldId = phq9["id"]!.GetValue<Guid>();

        // The development outbox shows the message: the clinic's name and the link, nothing clinical.
        var oldToken = await TokenOnOutboxPageAsync(await TokenHashAsync(oldId));
        Assert.That(oldToken, Is.Not.Null, "the PHQ-9 link is in the development outbox");
        var page = await OutboxPageAsync();
        Assert.That(page, Does.Contain("Riverside Clinic").And.Contain("asha@example.org"));
        Assert.That(page, Does.Not.Contain("PHQ").And.Not.Contain("phq9").And.Not.Contain("Asha Example"));

        // One visit, one message: the baseline questionnaires, due together, share that one message and its one link (at
        // most one more message: today's diary, a visit of its own, if it is due yet).
        var messages = JsonNode.Parse(page)!.AsArray().Where(m => m!["to"]?.GetValue<string>() == "asha@example.org").ToList();
        Assert.That(messages, Has.Count.InRange(1, 2), page);
        Assert.That(messages.Select(m => m!["text"]!.GetValue<string>()), Has.Some.Contain("short questionnaires are waiting for you"));

        // Resend: a new link goes out, the old one is replaced.
        var resend = await _intake.Admin.PostAsync(new Uri($"/api/patients/{patientId}/invitations/{oldId}/resend", UriKind.Relative), null);
        Assert.That(resend.StatusCode, Is.EqualTo(HttpStatusCode.OK), await resend.Content.ReadAsStringAsync());
        var newId = (await resend.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        var old = await _intake.Patient.PostAsJsonAsync("/api/responses", new { token = oldToken, answers = CalmPhq9() });
        Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That((await old.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>(), Is.EqualTo("Link replaced"));

        var newToken = await TokenOnOutboxPageAsync(await TokenHashAsync(newId));
        Assert.That(newToken, Is.Not.Null, "the new link is delivered");
        await _intake.SubmitAsync(newToken!, CalmPhq9());

        var after = (await _intake.Admin.GetFromJsonAsync<JsonArray>($"/api/patients/{patientId}/invitations"))!;
        Assert.That(after.Single(i => i!["id"]!.GetValue<Guid>() == oldId)!["state"]!.GetValue<string>(), Is.EqualTo("replaced"));
        Assert.That(after.Single(i => i!["id"]!.GetValue<Guid>() == newId)!["state"]!.GetValue<string>(), Is.EqualTo("answered"));
        Assert.That(after.Single(i => i!["id"]!.GetValue<Guid>() == newId)!["step"]!.GetValue<string>(), Is.EqualTo("phq9@d0"));

        // A replaced invitation cannot be resent again.
        var again = await _intake.Admin.PostAsync(new Uri($"/api/patients/{patientId}/invitations/{oldId}/resend", UriKind.Relative), null);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task An_empty_body_still_enrols_and_bad_fields_get_problems_a_person_can_act_on()
    {
        var empty = await _intake.Admin.PostAsync(new Uri("/api/patients", UriKind.Relative), null);
        Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var bad = await _intake.Admin.PostAsJsonAsync("/api/patients", new
        {
            language = "fr",
            timeZone = "Mars/Olympus",
            indexDate = "01/03/2026",
            protocol = "t1d-followup",
            contacts = new[] { new { channel = "email", address = "not-an-address" } },
        });
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.That(errors.Select(e => e.Key), Is.EquivalentTo(new[] { "language", "timeZone", "indexDate", "contacts[0].address" }));
        Assert.That(errors["timeZone"]![0]!.GetValue<string>(), Does.Contain("Asia/Kolkata"));
    }

    [Test]
    public async Task The_development_outbox_is_for_admins_only()
    {
        using var nurse = _intake.As("nurse");
        Assert.That((await nurse.GetAsync(new Uri("/api/dev/outbox", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var response = await _intake.Patient.GetAsync(new Uri("/api/dev/outbox", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("/s/"));
    }
}
