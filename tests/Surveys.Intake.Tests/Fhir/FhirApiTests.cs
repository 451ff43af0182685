using System.Net;
using System.Net.Http.Json;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Surveys.Intake.Tests.Fhir;

/// <summary>
/// Intake's FHIR endpoints: every resource read back is parsed strictly with the Firely SDK, and a response submitted as
/// FHIR is published for scoring (checked on the test harness); its score, computed by the scoring engine as the worker
/// would, comes back as an Observation.
/// </summary>
public class FhirApiTests
{
    private const string TokenSystem = "urn:surveys:invitation-token";
    private static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
    private static readonly FhirJsonSerializer Serializer = new();

    private IntakeFactory _intake = null!;
    private HttpClient _nurse = null!;

    [OneTimeSetUp]
    public async System.Threading.Tasks.Task StartAsync()
    {
        _intake = await IntakeFactory.StartAsync();
        _nurse = Client("nurse");
    }

    [OneTimeTearDown]
    public async System.Threading.Tasks.Task StopAsync()
    {
        _nurse.Dispose();
        await _intake.DisposeAsync();
    }

    private HttpClient Client(string role) => _intake.As(role);

    /// <summary>Reads a FHIR response: its status, its content type, and the resource parsed strictly.</summary>
    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
        where T : Resource
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/fhir+json"));
        var ok = Strict.TryDeserializeResource(body, out var resource, out var issues);
        Assert.That(ok, Is.True, () => string.Join("; ", issues.Select(i => i.Message)));
        return resource as T ?? throw new AssertionException($"Expected {typeof(T).Name}, got {resource?.TypeName}: {body}");
    }

    private static async Task<OperationOutcome> OutcomeAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var outcome = await ReadAsync<OperationOutcome>(response, expected);
        Assert.That(outcome.Issue, Is.Not.Empty);
        Assert.That(outcome.Issue.Select(i => i.Severity), Is.All.EqualTo(OperationOutcome.IssueSeverity.Error));
        return outcome;
    }

    private static string Diagnostics(OperationOutcome outcome) => string.Join(" | ", outcome.Issue.Select(i => i.Diagnostics));

    private Task<HttpResponseMessage> PostAsync(QuestionnaireResponse response, string mediaType = "application/fhir+json") =>
        PostAsync(Serializer.SerializeToString(response), mediaType);

    private async Task<HttpResponseMessage> PostAsync(string body, string mediaType = "application/fhir+json")
    {
        using var content = new StringContent(body, Encoding.UTF8, mediaType);
        return await _intake.Patient.PostAsync(new Uri("/fhir/QuestionnaireResponse", UriKind.Relative), content);
    }

    private async Task<Questionnaire> QuestionnaireAsync(string id) =>
        await ReadAsync<Questionnaire>(await _intake.Patient.GetAsync(new Uri($"/fhir/Questionnaire/{id}", UriKind.Relative)), HttpStatusCode.OK);

    /// <summary>A response answering each listed item with the answer option whose ordinal value is given, as a form filler builds it.</summary>
    private static QuestionnaireResponse Answer(Questionnaire questionnaire, string? token, IReadOnlyDictionary<string, int> ordinals)
    {
        var response = new QuestionnaireResponse
        {
            Questionnaire = $"{questionnaire.Url}|{questionnaire.Version}",
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Identifier = token is null ? null : new Identifier(TokenSystem, token),
        };
        foreach (var (linkId, ordinal) in ordinals)
        {
            var option = questionnaire.Item.Single(i => i.LinkId == linkId).AnswerOption
                .Single(o => (o.GetExtension("http://hl7.org/fhir/StructureDefinition/ordinalValue")?.Value as FhirDecimal)?.Value == ordinal);
            var coding = (Coding)option.Value!;
            response.Item.Add(new QuestionnaireResponse.ItemComponent
            {
                LinkId = linkId,
                Answer = [new QuestionnaireResponse.AnswerComponent { Value = new Coding(coding.System, coding.Code, coding.Display) }],
            });
        }

        return response;
    }

    private static Dictionary<string, int> Phq9(int item10, params int[] items) =>
        items.Select((v, i) => (Key: (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Value: v))
            .Append((Key: "10", Value: item10))
            .ToDictionary(x => x.Key, x => x.Value);

    [Test]
    public async System.Threading.Tasks.Task Questionnaires_are_public_and_searchable()
    {
        var all = await ReadAsync<Bundle>(await _intake.Patient.GetAsync(new Uri("/fhir/Questionnaire", UriKind.Relative)), HttpStatusCode.OK);
        var byName = await ReadAsync<Bundle>(await _intake.Patient.GetAsync(new Uri("/fhir/Questionnaire?name=phq", UriKind.Relative)), HttpStatusCode.OK);
        var phq9 = await QuestionnaireAsync("phq9");
        var byUrl = await ReadAsync<Bundle>(
            await _intake.Patient.GetAsync(new Uri($"/fhir/Questionnaire?url={Uri.EscapeDataString(phq9.Url!)}", UriKind.Relative)), HttpStatusCode.OK);
        var byId = await ReadAsync<Bundle>(await _intake.Patient.GetAsync(new Uri("/fhir/Questionnaire?_id=gad7,t1d-diary", UriKind.Relative)), HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(all.Type, Is.EqualTo(Bundle.BundleType.Searchset));
            Assert.That(all.Entry.Select(e => e.Resource!.Id), Is.EquivalentTo(new[] { "gad7", "gold", "paid20", "paid5", "phq9", "t1d-diary", "who5" }));
            Assert.That(all.Total, Is.EqualTo(all.Entry.Count));
            Assert.That(all.Entry.Select(e => e.FullUrl), Is.EqualTo(all.Entry.Select(e => ((Questionnaire)e.Resource!).Url)));
            Assert.That(byName.Entry.Select(e => e.Resource!.Id), Is.EqualTo(new[] { "phq9" }));
            Assert.That(byUrl.Entry.Select(e => e.Resource!.Id), Is.EqualTo(new[] { "phq9" }));
            Assert.That(byId.Entry.Select(e => e.Resource!.Id), Is.EquivalentTo(new[] { "gad7", "t1d-diary" }));
            Assert.That(phq9.Code.Single().Code, Is.EqualTo("44249-1"));
        });

        await OutcomeAsync(await _intake.Patient.GetAsync(new Uri("/fhir/Questionnaire/phq99", UriKind.Relative)), HttpStatusCode.NotFound);
    }

    [Test]
    public async System.Threading.Tasks.Task A_FHIR_response_round_trips_and_is_scored_into_an_observation()
    {
        var patientId = await _intake.CreatePatientAsync();
        var token = await _intake.InviteAsync(patientId, "phq9");
        var questionnaire = await QuestionnaireAsync("phq9");
        var sent = Answer(questionnaire, token, Phq9(1, 1, 2, 3, 0, 1, 2, 3, 0, 1)); // total 13: moderate

        var post = await PostAsync(sent);
        var created = await ReadAsync<QuestionnaireResponse>(post, HttpStatusCode.Created);

        Assert.That(post.Headers.Location?.ToString(), Does.EndWith($"/fhir/QuestionnaireResponse/{created.Id}"));
        Assert.That(created.Identifier, Is.Null, "the token is not echoed");
        var read = await ReadAsync<QuestionnaireResponse>(
            await _nurse.GetAsync(new Uri($"/fhir/QuestionnaireResponse/{created.Id}", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That(read.Id, Is.EqualTo(created.Id));
            Assert.That(read.Subject!.Reference, Is.EqualTo($"Patient/{patientId}"));
            Assert.That(read.Questionnaire, Is.EqualTo(sent.Questionnaire));
            Assert.That(Answers(read), Is.EqualTo(Answers(sent)), "the answers read back are the answers sent");
            Assert.That(Answers(created), Is.EqualTo(Answers(sent)));
        });

        // Intake publishes it from its outbox; scored as the worker would, intake records the score; the Observation appears.
        var submitted = await _intake.PublishedSubmissionAsync(m => m.PatientId == patientId);
        Assert.That(submitted.SubmissionId.ToString(), Is.EqualTo(created.Id));
        await _intake.ScoreAsync(submitted);
        var search = new Uri($"/fhir/Observation?subject=Patient/{patientId}&code={Uri.EscapeDataString("http://loinc.org|44261-6")}", UriKind.Relative);
        var bundle = await Eventually.ReadAsync(
            async () => await ReadAsync<Bundle>(await _nurse.GetAsync(search), HttpStatusCode.OK), b => b.Entry.Count > 0, TimeSpan.FromSeconds(60));
        var observation = (Observation)bundle.Entry.Single().Resource!;
        Assert.Multiple(() =>
        {
            Assert.That(observation.Status, Is.EqualTo(ObservationStatus.Final));
            Assert.That(((Quantity)observation.Value!).Value, Is.EqualTo(13m));
            Assert.That(observation.Interpretation.Single().Coding.Single().Code, Is.EqualTo("moderate"));
            Assert.That(observation.DerivedFrom.Single().Reference, Is.EqualTo($"QuestionnaireResponse/{created.Id}"));
            Assert.That(observation.Subject!.Reference, Is.EqualTo($"Patient/{patientId}"));
            Assert.That(((FhirDateTime)observation.Effective!).ToDateTimeOffset(TimeSpan.Zero), Is.EqualTo(new FhirDateTime(read.Authored).ToDateTimeOffset(TimeSpan.Zero)));
            Assert.That(observation.Issued, Is.GreaterThanOrEqualTo(new FhirDateTime(read.Authored).ToDateTimeOffset(TimeSpan.Zero)));
        });

        var single = await ReadAsync<Observation>(await _nurse.GetAsync(new Uri($"/fhir/Observation/{observation.Id}", UriKind.Relative)), HttpStatusCode.OK);
        var otherCode = await ReadAsync<Bundle>(
            await _nurse.GetAsync(new Uri($"/fhir/Observation?subject=Patient/{patientId}&code=70274-6", UriKind.Relative)), HttpStatusCode.OK);
        var projectCode = await ReadAsync<Bundle>(
            await _nurse.GetAsync(new Uri($"/fhir/Observation?patient={patientId}&code=urn:surveys:score|phq9", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That(single.Id, Is.EqualTo(observation.Id));
            Assert.That(otherCode.Entry, Is.Empty);
            Assert.That(projectCode.Entry, Has.Count.EqualTo(1));
        });
    }

    private static List<string> Answers(QuestionnaireResponse response) =>
        [.. response.Item.Select(i => $"{i.LinkId}={((Coding)i.Answer.Single().Value!).System}|{((Coding)i.Answer.Single().Value!).Code}")];

    [Test]
    public async System.Threading.Tasks.Task Plain_application_json_is_accepted_too()
    {
        var token = await _intake.NewInvitationAsync("gad7");
        var response = Answer(await QuestionnaireAsync("gad7"), token, Enumerable.Range(1, 7).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 0));

        await ReadAsync<QuestionnaireResponse>(await PostAsync(response, "application/json"), HttpStatusCode.Created);
    }

    [Test]
    public async System.Threading.Tasks.Task Bad_resources_get_an_operation_outcome_and_the_link_stays_usable()
    {
        var token = await _intake.NewInvitationAsync("phq9");
        var phq9 = await QuestionnaireAsync("phq9");
        var good = Answer(phq9, token, Phq9(0, 0, 0, 0, 0, 0, 0, 0, 0, 0));

        var unparseable = await OutcomeAsync(await PostAsync("{ \"resourceType\": \"QuestionnaireResponse\", "), HttpStatusCode.BadRequest);
        var unknownElement = await OutcomeAsync(
            await PostAsync("{ \"resourceType\": \"QuestionnaireResponse\", \"status\": \"completed\", \"mood\": \"fine\" }"), HttpStatusCode.BadRequest);
        var patient = await OutcomeAsync(await PostAsync("{ \"resourceType\": \"Patient\", \"active\": true }"), HttpStatusCode.BadRequest);
        var wrongMediaType = await OutcomeAsync(await PostAsync(Serializer.SerializeToString(good), "text/plain"), HttpStatusCode.UnsupportedMediaType);
        var noToken = await OutcomeAsync(await PostAsync(Answer(phq9, null, Phq9(0, 0))), HttpStatusCode.UnprocessableEntity);
        var unknownToken = await OutcomeAsync(await PostAsync(Answer(phq9, "not-a-real-token", Phq9(0, 0))), HttpStatusCode.NotFound);

        var unknownQuestionnaire = Answer(phq9, token, Phq9(0, 0));
        unknownQuestionnaire.Questionnaire = "http://example.org/Questionnaire/phq99";
        var unknownQuestionnaireOutcome = await OutcomeAsync(await PostAsync(unknownQuestionnaire), HttpStatusCode.UnprocessableEntity);

        var otherQuestionnaire = Answer(await QuestionnaireAsync("gad7"), token, new Dictionary<string, int> { ["1"] = 0 });
        var otherQuestionnaireOutcome = await OutcomeAsync(await PostAsync(otherQuestionnaire), HttpStatusCode.UnprocessableEntity);

        var inProgress = Answer(phq9, token, Phq9(0, 0));
        inProgress.Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress;
        var inProgressOutcome = await OutcomeAsync(await PostAsync(inProgress), HttpStatusCode.UnprocessableEntity);

        var badCode = Answer(phq9, token, Phq9(0, 0, 0, 0));
        ((Coding)badCode.Item[2].Answer[0].Value!).Code = "LA6574-3"; // an item-10 answer code on item 3
        var badCodeOutcome = await OutcomeAsync(await PostAsync(badCode), HttpStatusCode.UnprocessableEntity);

        Assert.Multiple(() =>
        {
            Assert.That(Diagnostics(unparseable), Does.Contain("Not a valid FHIR R4 resource"));
            Assert.That(Diagnostics(unknownElement), Does.Contain("mood"));
            Assert.That(Diagnostics(patient), Does.Contain("QuestionnaireResponse").And.Contain("Patient"));
            Assert.That(Diagnostics(wrongMediaType), Does.Contain("application/fhir+json"));
            Assert.That(Diagnostics(noToken), Does.Contain(TokenSystem));
            Assert.That(Diagnostics(unknownToken), Does.Contain("not valid"));
            Assert.That(Diagnostics(unknownQuestionnaireOutcome), Does.Contain("Unknown questionnaire"));
            Assert.That(Diagnostics(otherQuestionnaireOutcome), Does.Contain("for questionnaire 'phq9', not 'gad7'"));
            Assert.That(Diagnostics(inProgressOutcome), Does.Contain("completed"));
            Assert.That(Diagnostics(badCodeOutcome), Does.Contain("Item '3'"));
            Assert.That(badCodeOutcome.Issue.Single().Expression, Is.EqualTo(new[] { "QuestionnaireResponse.item.where(linkId='3')" }));
        });

        // Nothing was used up: the same link still takes a valid response, once.
        await ReadAsync<QuestionnaireResponse>(await PostAsync(good), HttpStatusCode.Created);
        var again = await OutcomeAsync(await PostAsync(good), HttpStatusCode.Conflict);
        Assert.That(Diagnostics(again), Does.Contain("already been answered"));
    }

    [Test]
    public async System.Threading.Tasks.Task A_PHQ9_without_item_9_is_refused_on_every_route_and_the_link_stays_usable()
    {
        var token = await _intake.NewInvitationAsync("phq9");
        var phq9 = await QuestionnaireAsync("phq9");
        // Items 1-8 at "nearly every day", item 9 (thoughts of self-harm) left blank: prorated, this would be 27.
        var withoutItem9 = Enumerable.Range(1, 8).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 3);

        var fhir = await OutcomeAsync(await PostAsync(Answer(phq9, token, withoutItem9)), HttpStatusCode.UnprocessableEntity);
        var api = await _intake.Patient.PostAsJsonAsync("/api/responses", new { token, answers = withoutItem9 });
        var apiBody = await api.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(fhir.Issue.Single().Code, Is.EqualTo(OperationOutcome.IssueType.Required));
            Assert.That(fhir.Issue.Single().Expression, Is.EqualTo(new[] { "QuestionnaireResponse.item.where(linkId='9')" }));
            Assert.That(Diagnostics(fhir), Does.Contain("Thoughts that you would be better off dead"));
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), apiBody);
            Assert.That(System.Text.Json.Nodes.JsonNode.Parse(apiBody)!["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "answers.9" }));
            Assert.That(apiBody, Does.Contain("Thoughts that you would be better off dead"));
        });

        // Nothing was used up: the same link takes the whole form.
        withoutItem9["9"] = 1;
        await ReadAsync<QuestionnaireResponse>(await PostAsync(Answer(phq9, token, withoutItem9)), HttpStatusCode.Created);
    }

    [Test]
    public async System.Threading.Tasks.Task An_empty_form_is_refused_and_does_not_use_up_the_link()
    {
        var token = await _intake.NewInvitationAsync("phq9");
        var phq9 = await QuestionnaireAsync("phq9");

        var empty = await OutcomeAsync(await PostAsync(Answer(phq9, token, new Dictionary<string, int>())), HttpStatusCode.UnprocessableEntity);

        Assert.That(empty.Issue.Single().Code, Is.EqualTo(OperationOutcome.IssueType.Required));
        Assert.That(Diagnostics(empty), Does.Contain("no question is answered"));
        await ReadAsync<QuestionnaireResponse>(await PostAsync(Answer(phq9, token, Phq9(0, 0, 0, 0, 0, 0, 0, 0, 0, 0))), HttpStatusCode.Created);
    }

    [Test]
    public async System.Threading.Tasks.Task A_number_out_of_range_is_refused_by_the_scoring_engines_validation()
    {
        var token = await _intake.NewInvitationAsync("t1d_diary");
        var diary = await QuestionnaireAsync("t1d-diary");
        // Every required item of version 2.0.0 (item 15, the glucose unit: 1 = mmol/L), item 11 out of range.
        var response = Answer(diary, token, Enumerable.Range(1, 10).Concat([12, 14, 15, 18]).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i == 15 ? 1 : 0));
        response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "11", Answer = [new() { Value = new Integer(100) }] });

        var outcome = await OutcomeAsync(await PostAsync(response), HttpStatusCode.UnprocessableEntity);

        Assert.That(outcome.Issue.Single().Expression, Is.EqualTo(new[] { "QuestionnaireResponse.item.where(linkId='11')" }));
        response.Item[^1].Answer[0].Value = new Integer(2);
        await ReadAsync<QuestionnaireResponse>(await PostAsync(response), HttpStatusCode.Created);
    }

    [Test]
    public async System.Threading.Tasks.Task Scores_and_responses_are_for_nurses_only()
    {
        var patientId = await _intake.CreatePatientAsync();
        using var anonymous = _intake.Anonymous();
        using var admin = Client("admin");
        using var operatorClient = Client("operator");
        var search = new Uri($"/fhir/Observation?subject=Patient/{patientId}", UriKind.Relative);
        var response = new Uri($"/fhir/QuestionnaireResponse/{Guid.NewGuid()}", UriKind.Relative);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await anonymous.GetAsync(search)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That((await admin.GetAsync(search)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await operatorClient.GetAsync(response)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await ReadAsync<Bundle>(await _nurse.GetAsync(search), HttpStatusCode.OK)).Entry, Is.Empty);
            await OutcomeAsync(await _nurse.GetAsync(response), HttpStatusCode.NotFound);
            await OutcomeAsync(await _nurse.GetAsync(new Uri("/fhir/Observation?code=44261-6", UriKind.Relative)), HttpStatusCode.BadRequest);
        });
    }
}
