using Hl7.Fhir.Model;
using Surveys.Instruments;
using Surveys.Intake.Fhir;

namespace Surveys.UnitTests.Fhir;

public class ResponseAndObservationMappingTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.LoadEmbedded();
    private static readonly FhirMapper Mapper = new(new Uri("http://intake.test/fhir/"), Catalog);
    private static readonly DateTimeOffset Submitted = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Scored = Submitted.AddSeconds(2);

    private static StoredSubmission Submission(string instrument, Dictionary<string, decimal?> answers) =>
        new(Guid.NewGuid(), Guid.NewGuid(), instrument, Catalog.Find(instrument)!.Version, answers, Submitted);

    [Test]
    public void A_stored_PHQ9_submission_is_a_completed_response_with_LOINC_coded_answers()
    {
        var submission = Submission("phq9", new() { ["1"] = 0, ["2"] = 3, ["10"] = 2 });

        var response = FhirParsing.RoundTrip(Mapper.ToResponse(submission));

        Assert.Multiple(() =>
        {
            Assert.That(response.Id, Is.EqualTo(submission.Id.ToString()));
            Assert.That(response.Questionnaire, Is.EqualTo("http://intake.test/fhir/Questionnaire/phq9|1.0.0"));
            Assert.That(response.Status, Is.EqualTo(QuestionnaireResponse.QuestionnaireResponseStatus.Completed));
            Assert.That(response.Subject!.Reference, Is.EqualTo($"Patient/{submission.PatientId}"));
            Assert.That(response.Authored, Is.EqualTo("2026-03-01T09:30:00+00:00"));
            Assert.That(response.Identifier, Is.Null, "the invitation token is never given back");
            Assert.That(response.Item.Select(i => i.LinkId), Is.EqualTo(new[] { "1", "2", "10" }));
            var codes = response.Item.Select(i => (Coding)i.Answer.Single().Value!).ToList();
            Assert.That(codes.Select(c => c.Code), Is.EqualTo(new[] { "LA6568-5", "LA6571-9", "LA6575-0" }));
            Assert.That(codes.Select(c => FhirParsing.Extension<FhirDecimal>(c, FhirCodes.OrdinalValue).Value), Is.EqualTo(new decimal?[] { 0, 3, 2 }));
        });
    }

    [TestCase("phq9")]
    [TestCase("gad7")]
    [TestCase("paid20")]
    [TestCase("who5")]
    [TestCase("gold")]
    [TestCase("t1d_diary")]
    public void Answers_read_back_from_the_response_built_for_them(string instrument)
    {
        var definition = Catalog.Find(instrument)!;
        var answers = definition.Items.ToDictionary(
            i => i.Id,
            i => (decimal?)(i.Options.Count > 0 ? i.Options[^1].Value : i.AllowsDecimals ? i.Max - 0.5m : i.Max));

        var (read, problems) = FhirMapper.ReadAnswers(FhirParsing.RoundTrip(Mapper.ToResponse(Submission(instrument, answers))), definition);

        Assert.That(problems, Is.Empty);
        Assert.That(read, Is.EquivalentTo(answers));
    }

    [Test]
    public void Unreadable_answers_are_named_by_item()
    {
        var response = new QuestionnaireResponse
        {
            Item =
            [
                Item("1", new Coding("http://loinc.org", "LA6569-3")),
                Item("2", new Coding("http://loinc.org", "LA6575-0")),     // an item-10 code on item 2
                Item("3", new Integer(1)),                                 // a number on a choice item
                Item("99", new Coding("http://loinc.org", "LA6568-5")),    // no such item
                Item("1", new Coding("http://loinc.org", "LA6568-5")),     // item 1 again
                new QuestionnaireResponse.ItemComponent { LinkId = "4", Answer = [new() { Value = new Coding("http://loinc.org", "LA6568-5") }, new() { Value = new Coding("http://loinc.org", "LA6569-3") }] },
                new QuestionnaireResponse.ItemComponent { LinkId = "5" },  // unanswered: fine
            ],
        };

        var (answers, problems) = FhirMapper.ReadAnswers(response, Catalog.Find("phq9")!);

        Assert.Multiple(() =>
        {
            Assert.That(answers, Is.EquivalentTo(new Dictionary<string, decimal?> { ["1"] = 1, ["5"] = null }));
            Assert.That(problems.Select(p => p.LinkId), Is.EqualTo(new[] { "2", "3", "99", "1", "4" }));
            Assert.That(problems[0].Message, Does.Contain("LA6575-0").And.Contain("not one of its answer options"));
            Assert.That(problems[1].Message, Does.Contain("valueCoding"));
            Assert.That(problems[2].Message, Does.Contain("not in Questionnaire 'phq9'"));
            Assert.That(problems[3].Message, Does.Contain("more than once"));
            Assert.That(problems[4].Message, Does.Contain("one answer"));
        });
    }

    [Test]
    public void A_numeric_item_takes_a_number_not_a_coding()
    {
        var response = new QuestionnaireResponse { Item = [Item("11", new Coding("urn:x", "3")), Item("13", new FhirDecimal(12.5m))] };

        var (answers, problems) = FhirMapper.ReadAnswers(response, Catalog.Find("t1d_diary")!);

        Assert.That(answers, Is.EquivalentTo(new Dictionary<string, decimal?> { ["13"] = 12.5m }));
        Assert.That(problems.Single().LinkId, Is.EqualTo("11"));
    }

    private static QuestionnaireResponse.ItemComponent Item(string linkId, DataType value) =>
        new() { LinkId = linkId, Answer = [new() { Value = value }] };

    [Test]
    public void A_scored_PHQ9_total_is_a_final_LOINC_coded_observation_derived_from_its_response()
    {
        var submission = Submission("phq9", []) with { ScoreStatus = "scored", ScoredAt = Scored, Total = 14, Band = "moderate" };

        var observation = FhirParsing.RoundTrip(Mapper.ToObservation(submission)!);

        Assert.Multiple(() =>
        {
            Assert.That(observation.Id, Is.EqualTo(submission.Id.ToString()));
            Assert.That(observation.Status, Is.EqualTo(ObservationStatus.Final));
            Assert.That(observation.Category.Single().Coding.Single().Code, Is.EqualTo("survey"));
            Assert.That(observation.Code.Coding.Select(c => (c.System, c.Code)),
                Is.EqualTo(new[] { ("http://loinc.org", "44261-6"), ("urn:surveys:score", "phq9") }));
            Assert.That(observation.Subject!.Reference, Is.EqualTo($"Patient/{submission.PatientId}"));
            Assert.That(((FhirDateTime)observation.Effective!).Value, Is.EqualTo("2026-03-01T09:30:00+00:00"));
            Assert.That(observation.Issued, Is.EqualTo(Scored));
            var quantity = (Quantity)observation.Value!;
            Assert.That((quantity.Value, quantity.System, quantity.Code), Is.EqualTo((14m, "http://unitsofmeasure.org", "{score}")));
            Assert.That(observation.Interpretation.Single().Coding.Single().Code, Is.EqualTo("moderate"));
            Assert.That(observation.DerivedFrom.Single().Reference, Is.EqualTo($"QuestionnaireResponse/{submission.Id}"));
            Assert.That(observation.Note, Is.Empty);
        });
    }

    [Test]
    public void A_total_without_a_LOINC_code_has_the_project_code_only_and_a_prorated_total_says_so()
    {
        var submission = Submission("paid20", []) with { ScoreStatus = "scored", ScoredAt = Scored, Total = 41.25m, Band = "high", Prorated = true };

        var observation = FhirParsing.RoundTrip(Mapper.ToObservation(submission)!);

        Assert.Multiple(() =>
        {
            Assert.That(observation.Code.Coding.Select(c => (c.System, c.Code)), Is.EqualTo(new[] { ("urn:surveys:score", "paid20") }));
            Assert.That(((Quantity)observation.Value!).Value, Is.EqualTo(41.25m));
            Assert.That(observation.Interpretation.Single().Coding.Single().System, Is.EqualTo("urn:surveys:band:paid20"));
            Assert.That(observation.Note.Single().Text, Does.StartWith("Prorated"));
        });
    }

    [Test]
    public void Without_a_total_there_is_no_observation()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Mapper.ToObservation(Submission("phq9", [])), Is.Null, "not scored yet");
            Assert.That(Mapper.ToObservation(Submission("phq9", []) with { ScoreStatus = "incomplete", ScoredAt = Scored }), Is.Null);
            Assert.That(Mapper.ToObservation(Submission("t1d_diary", []) with { ScoreStatus = "scored", ScoredAt = Scored }), Is.Null);
        });
    }

    [TestCase("44261-6", true)]
    [TestCase("http://loinc.org|44261-6", true)]
    [TestCase("http://loinc.org|", true)]
    [TestCase("urn:surveys:score|phq9", true)]
    [TestCase("urn:surveys:score|gad7", false)]
    [TestCase("|44261-6", false)]
    [TestCase("70274-6", false)]
    public void Code_search_tokens_match_as_FHIR_token_search_does(string token, bool matches)
    {
        var code = new CodeableConcept { Coding = [new Coding("http://loinc.org", "44261-6"), new Coding("urn:surveys:score", "phq9")] };

        Assert.That(FhirMapper.MatchesToken(code, token), Is.EqualTo(matches));
    }
}
