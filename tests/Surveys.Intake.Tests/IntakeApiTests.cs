using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Surveys.Intake.Tests;

/// <summary>Bad input gets RFC 7807 problem details a person can act on, and loses nothing accepted.</summary>
public class IntakeApiTests
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
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo((int)expected));
        Assert.That(problem["title"]!.GetValue<string>(), Is.Not.Empty);
        return problem;
    }

    [Test]
    public async Task An_invitation_names_the_instrument_version_and_a_link_with_the_token()
    {
        var patientId = await _intake.CreatePatientAsync();

        var response = await _intake.Admin.PostAsJsonAsync($"/api/patients/{patientId}/invitations", new { instrument = "phq9" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var token = body["token"]!.GetValue<string>();
        Assert.Multiple(() =>
        {
            Assert.That(token, Has.Length.GreaterThanOrEqualTo(43), "at least 256 bits, base64url");
            Assert.That(token, Does.Match("^[A-Za-z0-9_-]+$"));
            Assert.That(body["url"]!.GetValue<string>(), Does.EndWith($"/s/{token}"));
            Assert.That(body["instrument"]!.GetValue<string>(), Is.EqualTo("phq9"));
            Assert.That(body["definitionVersion"]!.GetValue<string>(), Is.Not.Empty);
        });
    }

    [Test]
    public async Task An_unknown_instrument_is_a_validation_problem_that_lists_the_known_ones()
    {
        var patientId = await _intake.CreatePatientAsync();

        var problem = await ProblemAsync(
            await _intake.Admin.PostAsJsonAsync($"/api/patients/{patientId}/invitations", new { instrument = "phq99" }), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]!["instrument"]![0]!.GetValue<string>(), Does.Contain("phq9").And.Contain("gad7"));
    }

    [Test]
    public async Task An_invitation_for_an_unknown_patient_is_not_found()
    {
        var problem = await ProblemAsync(
            await _intake.Admin.PostAsJsonAsync($"/api/patients/{Guid.NewGuid()}/invitations", new { instrument = "phq9" }), HttpStatusCode.NotFound);

        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("POST /api/patients"));
    }

    [Test]
    public async Task An_unknown_token_is_not_found()
    {
        await ProblemAsync(
            await _intake.Admin.PostAsJsonAsync("/api/responses", new { token = "not-a-real-token", answers = new { } }), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_missing_token_is_a_validation_problem()
    {
        var problem = await ProblemAsync(
            await _intake.Admin.PostAsJsonAsync("/api/responses", new { answers = new { } }), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]!["token"], Is.Not.Null);
    }

    [Test]
    public async Task Malformed_json_is_a_problem_not_a_crash()
    {
        using var content = new StringContent("{ \"token\": ", Encoding.UTF8, "application/json");

        await ProblemAsync(await _intake.Admin.PostAsync(new Uri("/api/responses", UriKind.Relative), content), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Out_of_range_and_unknown_answers_are_named_and_the_link_stays_usable()
    {
        var patientId = await _intake.CreatePatientAsync();
        var token = await _intake.InviteAsync(patientId, "phq9");

        var answered = Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i == 3 ? 4 : 0);
        answered["42"] = 1;
        var problem = await ProblemAsync(
            await _intake.Admin.PostAsJsonAsync("/api/responses", new { token, answers = answered }),
            HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsObject();
        Assert.That(errors.Select(e => e.Key), Is.EquivalentTo(new[] { "answers.3", "answers.42" }));

        // Nothing was used up: the same link still takes a valid submission.
        var answers = Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 0);
        Assert.That(await _intake.SubmitAsync(token, answers), Is.Not.EqualTo(Guid.Empty));
    }

    [Test]
    public async Task An_empty_form_is_refused_and_does_not_use_up_the_link()
    {
        var patientId = await _intake.CreatePatientAsync();
        var token = await _intake.InviteAsync(patientId, "phq9");

        var empty = await ProblemAsync(
            await _intake.Admin.PostAsJsonAsync("/api/responses", new { token, answers = new { } }), HttpStatusCode.UnprocessableEntity);
        var blanks = await ProblemAsync(
            await _intake.Admin.PostAsJsonAsync("/api/responses", new { token, answers = new Dictionary<string, int?> { ["1"] = null, ["9"] = null } }),
            HttpStatusCode.UnprocessableEntity);

        Assert.Multiple(() =>
        {
            Assert.That(empty["errors"]!["answers"]![0]!.GetValue<string>(), Does.Contain("no question is answered"));
            Assert.That(blanks["errors"]!["answers"]![0]!.GetValue<string>(), Does.Contain("no question is answered"));
            Assert.That(empty["detail"]!.GetValue<string>(), Does.Contain("the link still works"));
        });
        var answers = Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 0);
        Assert.That(await _intake.SubmitAsync(token, answers), Is.Not.EqualTo(Guid.Empty));
    }

    [Test]
    public async Task A_diary_glucose_reading_without_its_unit_is_refused_naming_the_unit_question()
    {
        var patientId = await _intake.CreatePatientAsync();
        var token = await _intake.InviteAsync(patientId, "t1d_diary");
        // Version 2.0.0, every required item answered but the unit (15); lowest glucose 2.5 (item 16).
        var answers = Enumerable.Range(1, 18).Where(i => i is not (13 or 15 or 17))
            .ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i == 16 ? 2.5m : 0m);

        var problem = await ProblemAsync(await _intake.Admin.PostAsJsonAsync("/api/responses", new { token, answers }), HttpStatusCode.UnprocessableEntity);

        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "answers.15" }));
        Assert.That(problem["errors"]!["answers.15"]![0]!.GetValue<string>(), Does.Contain("Which unit does your glucose meter or sensor show?"));
        answers["15"] = 1;
        var accepted = await _intake.Admin.PostAsJsonAsync("/api/responses", new { token, answers });
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await accepted.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_link_takes_one_submission_only()
    {
        var patientId = await _intake.CreatePatientAsync();
        var token = await _intake.InviteAsync(patientId, "phq9");
        var answers = Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 1);
        var first = await _intake.SubmitAsync(token, answers);

        var problem = await ProblemAsync(await _intake.Admin.PostAsJsonAsync("/api/responses", new { token, answers }), HttpStatusCode.Conflict);

        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("already been answered"));
        var status = await _intake.Admin.GetFromJsonAsync<JsonObject>($"/api/responses/{first}");
        Assert.That(status!["submissionId"]!.GetValue<Guid>(), Is.EqualTo(first));
    }

    [Test]
    public async Task An_unknown_submission_id_is_not_found()
    {
        await ProblemAsync(await _intake.Admin.GetAsync(new Uri($"/api/responses/{Guid.NewGuid()}", UriKind.Relative)), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Intake_serves_its_openapi_document_and_health()
    {
        var document = await _intake.Admin.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        Assert.That(document!["paths"]!.AsObject().Select(p => p.Key), Is.SupersetOf(new[] { "/api/patients", "/api/responses" }));

        var live = await _intake.Admin.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
