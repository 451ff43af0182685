using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

using Surveys.Data;
using Surveys.Testing;

namespace Surveys.Intake.Tests;

/// <summary>
/// Issue 21: intake's patient directory for nurses and admins. Search by name, clinic number or the start of an id,
/// with paging; a patient, their invitations and their answers in words readable by nurses; other roles refused; bad
/// paging refused with problem details; every read of who a patient is, or what they answered, audited. On SQLite and
/// on PostgreSQL. (The portal's alert filter over many patients stays in the system suite: PortalAlertFilterTests.)
/// </summary>
[TestFixture(StorageEngine.Sqlite)]
[TestFixture(StorageEngine.Postgres)]
public class PatientDirectoryApiTests(StorageEngine engine)
{
    private IntakeFactory _intake = null!;
    private HttpClient _nurse = null!;
    private HttpClient _operator = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _intake = await IntakeFactory.StartAsync(engine);
        _nurse = _intake.As("nurse");
        _operator = _intake.As("operator");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _nurse?.Dispose();
        _operator?.Dispose();
        if (_intake is not null)
        {
            await _intake.DisposeAsync();
        }
    }

    [Test]
    public async Task A_nurse_finds_patients_by_any_part_of_the_name_the_clinic_number_or_the_start_of_the_id()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ravi = await EnrolAsync($"Ravi Shankar {tag}", $"RS-{tag}");
        var sita = await EnrolAsync($"Sita Shankar {tag}", null);

        var byName = await SearchAsync($"shankar {tag}");
        var byClinicNumber = await SearchAsync($"rs-{tag}");
        var byIdPrefix = await SearchAsync(ravi.ToString()[..8]);
        var nobody = await SearchAsync($"nobody {tag}");
        var wildcards = await SearchAsync("%_");

        Assert.Multiple(() =>
        {
            Assert.That(Ids(byName), Is.EquivalentTo(new[] { ravi, sita }), "any part of the name, any case");
            Assert.That(byName["total"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(Ids(byClinicNumber), Is.EqualTo(new[] { ravi }));
            Assert.That(byClinicNumber["items"]![0]!["clinicNumber"]!.GetValue<string>(), Is.EqualTo($"RS-{tag}"));
            Assert.That(byClinicNumber["items"]![0]!["displayName"]!.GetValue<string>(), Is.EqualTo($"Ravi Shankar {tag}"));
            Assert.That(Ids(byIdPrefix), Does.Contain(ravi));
            Assert.That(Ids(nobody), Is.Empty, "a search that matches nobody lists nobody");
            Assert.That(nobody["total"]!.GetValue<int>(), Is.Zero);
            Assert.That(wildcards["total"]!.GetValue<int>(), Is.Zero, "% and _ are letters to search for, not wildcards");
        });
    }

    [Test]
    public async Task Pages_hold_page_size_patients_and_ids_list_exactly_those_patients()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await EnrolAsync($"Paged {tag} {i}", null));
        }

        var first = await SearchAsync($"paged {tag}", "&page=1&pageSize=2");
        var second = await SearchAsync($"paged {tag}", "&page=2&pageSize=2");
        var listed = await _nurse.GetFromJsonAsync<JsonObject>($"/api/patients?id={ids[0]}&id={ids[2]}");

        Assert.Multiple(() =>
        {
            Assert.That(Ids(first), Has.Count.EqualTo(2));
            Assert.That(Ids(second), Has.Count.EqualTo(1));
            Assert.That(Ids(first).Concat(Ids(second)), Is.EquivalentTo(ids));
            Assert.That(first["total"]!.GetValue<int>(), Is.EqualTo(3));
            Assert.That(Ids(listed!), Is.EquivalentTo(new[] { ids[0], ids[2] }));
        });
    }

    [TestCase("page=0", "page")]
    [TestCase("page=abc", "page")]
    [TestCase("pageSize=101", "pageSize")]
    [TestCase("pageSize=-1", "pageSize")]
    [TestCase("id=not-an-id", "id")]
    public async Task Bad_paging_or_ids_are_refused_with_problem_details(string query, string field)
    {
        var problem = await ProblemAsync(await _nurse.GetAsync($"/api/patients?{query}"), HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]![field]![0]!.GetValue<string>(), Is.Not.Empty);

        var patientId = await EnrolAsync("Paging Check", null);
        if (field != "id")
        {
            await ProblemAsync(await _nurse.GetAsync($"/api/patients/{patientId}/answers?{query}"), HttpStatusCode.BadRequest);
        }
    }

    [Test]
    public async Task Other_roles_and_nobody_are_refused()
    {
        var patientId = await EnrolAsync("Refused Reader", null);
        using var anonymous = _intake.Anonymous();
        foreach (var path in new[] { "/api/patients?q=x", $"/api/patients/{patientId}", $"/api/patients/{patientId}/answers", $"/api/patients/{patientId}/invitations" })
        {
            Assert.That((await _operator.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"an operator: {path}");
            Assert.That((await anonymous.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"nobody: {path}");
            Assert.That((await _nurse.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.OK), $"a nurse: {path}");
            Assert.That((await _intake.Admin.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.OK), $"an admin: {path}");
        }

        Assert.That((await _nurse.PostAsync("/api/patients", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "enrolling stays with admins");
    }

    [Test]
    public async Task A_nurse_reads_a_patients_contacts_invitations_and_answers_in_words_and_each_read_is_audited()
    {
        var patientId = await EnrolAsync("Anil Kumar", "AK-1", new { channel = "sms", address = "+919812345670" });
        var diary = new Dictionary<string, int>
        {
            ["1"] = 0, ["2"] = 0, ["3"] = 2, ["4"] = 0, ["5"] = 0, ["6"] = 0, ["7"] = 0, ["8"] = 0, ["9"] = 0, ["10"] = 1,
            ["11"] = 2, ["12"] = 0, ["14"] = 0, ["15"] = 1, ["18"] = 0,
        };
        await _intake.SubmitAsync(await _intake.InviteAsync(patientId, "phq9"), Enumerable.Range(1, 9).ToDictionary(i => $"{i}", _ => 0));
        await _intake.SubmitAsync(await _intake.InviteAsync(patientId, "t1d_diary"), diary);
        await _intake.InviteAsync(patientId, "gad7");

        var patient = await _nurse.GetFromJsonAsync<JsonObject>($"/api/patients/{patientId}");
        var invitations = await _nurse.GetFromJsonAsync<JsonArray>($"/api/patients/{patientId}/invitations");
        var answers = await _nurse.GetFromJsonAsync<JsonObject>($"/api/patients/{patientId}/answers");
        var diaryOnly = await _nurse.GetFromJsonAsync<JsonObject>($"/api/patients/{patientId}/answers?instrument=t1d_diary");
        var unknown = await ProblemAsync(await _nurse.GetAsync($"/api/patients/{patientId}/answers?instrument=phq99"), HttpStatusCode.BadRequest);
        var missing = await ProblemAsync(await _nurse.GetAsync($"/api/patients/{Guid.NewGuid()}/answers"), HttpStatusCode.NotFound);

        var newest = answers!["items"]![0]!;
        var tiredness = newest["answers"]!.AsArray().Single(a => a!["item"]!.GetValue<string>() == "3")!;
        var hypos = newest["answers"]!.AsArray().Single(a => a!["item"]!.GetValue<string>() == "11")!;
        Assert.Multiple(() =>
        {
            Assert.That(patient!["clinicNumber"]!.GetValue<string>(), Is.EqualTo("AK-1"));
            Assert.That(patient["contacts"]![0]!["address"]!.GetValue<string>(), Is.EqualTo("+919812345670"));
            Assert.That(invitations!.Select(i => i!["state"]!.GetValue<string>()), Is.EquivalentTo(new[] { "answered", "answered", "open" }));
            Assert.That(answers["total"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(newest["instrument"]!.GetValue<string>(), Is.EqualTo("t1d_diary"), "newest first");
            Assert.That(newest["instrumentTitle"]!.GetValue<string>(), Is.EqualTo("Type 1 diabetes symptom and treatment diary"));
            Assert.That(tiredness["question"]!.GetValue<string>(), Is.EqualTo("Tiredness"));
            Assert.That(tiredness["answer"]!.GetValue<string>(), Is.Not.EqualTo("2").And.Not.Empty, "the option's words, not its value");
            Assert.That(hypos["question"]!.GetValue<string>(), Does.StartWith("How many low-glucose episodes"));
            Assert.That(hypos["answer"]!.GetValue<string>(), Is.EqualTo("2"));
            Assert.That(diaryOnly!["total"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(unknown["errors"]!["instrument"]![0]!.GetValue<string>(), Does.Contain("t1d_diary"));
            Assert.That(missing["title"]!.GetValue<string>(), Is.EqualTo("Patient not found"));
        });

        var audited = await _intake.QueryAsync<string>(
            $"SELECT action FROM audit_events WHERE actor = 'nurse1' AND target LIKE '%{patientId}%'");
        Assert.That(audited, Is.SupersetOf(new[] { "patient_view", "invitations_view", "patient_answers_view" }));
        await SearchAsync("Anil Kumar");
        Assert.That(await _intake.CountAsync(
            $"SELECT COUNT(*) FROM audit_events WHERE actor = 'nurse1' AND action = 'patients_search' AND target LIKE '%{patientId}%'"), Is.GreaterThanOrEqualTo(1),
            "a search that shows a patient's name records which patient");
    }

    private async Task<Guid> EnrolAsync(string name, string? clinicNumber, params object[] contacts)
    {
        var response = await _intake.Admin.PostAsJsonAsync("/api/patients", new { displayName = name, clinicNumber, contacts });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private async Task<JsonObject> SearchAsync(string q, string more = "") =>
        (await _nurse.GetFromJsonAsync<JsonObject>($"/api/patients?q={Uri.EscapeDataString(q)}{more}"))!;

    private static List<Guid> Ids(JsonObject list) => list["items"]!.AsArray().Select(p => p!["id"]!.GetValue<Guid>()).ToList();

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
