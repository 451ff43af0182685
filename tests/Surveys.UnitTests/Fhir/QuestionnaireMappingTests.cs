using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Surveys.Instruments;
using Surveys.Intake.Fhir;

namespace Surveys.UnitTests.Fhir;

public partial class QuestionnaireMappingTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.LoadEmbedded();
    private static readonly FhirMapper Mapper = new(new Uri("http://intake.test/fhir"), Catalog);

    private static IEnumerable<string> Instruments() => Catalog.All.Select(d => d.Id).Distinct();

    private static Questionnaire Questionnaire(string id) => FhirParsing.RoundTrip(Mapper.ToQuestionnaire(Catalog.Find(id)!));

    private static IEnumerable<Questionnaire.ItemComponent> Questions(Questionnaire q) =>
        q.Item.Where(i => i.Type != Hl7.Fhir.Model.Questionnaire.QuestionnaireItemType.Display);

    private static decimal Ordinal(Questionnaire.AnswerOptionComponent option) =>
        FhirParsing.Extension<FhirDecimal>(option, FhirCodes.OrdinalValue).Value!.Value;

    [TestCaseSource(nameof(Instruments))]
    public void Every_instrument_is_a_questionnaire_the_SDK_parses_strictly_with_one_question_per_item(string id)
    {
        var definition = Catalog.Find(id)!;

        var q = Questionnaire(id);

        Assert.Multiple(() =>
        {
            Assert.That(q.Id, Is.EqualTo(id.Replace('_', '-')));
            Assert.That(q.Url, Is.EqualTo($"http://intake.test/fhir/Questionnaire/{q.Id}"));
            Assert.That(Mapper.FindQuestionnaire(q.Id!), Is.SameAs(definition));
            Assert.That(q.Version, Is.EqualTo(definition.Version));
            Assert.That(q.Name, Does.Match("^[A-Z][A-Za-z0-9_]{0,254}$"), "que-0: a computable name");
            Assert.That(q.Title, Is.EqualTo(definition.Title.En));
            Assert.That(q.Status, Is.EqualTo(PublicationStatus.Active));
            Assert.That(Questions(q).Select(i => i.LinkId), Is.EqualTo(definition.Items.Select(i => i.Id)));
            Assert.That(Questions(q).Select(i => i.Text), Is.EqualTo(definition.Items.Select(i => i.Text.En)));
            Assert.That(Questions(q).Select(i => i.Required), Is.EqualTo(definition.Items.Select(i => (bool?)i.Required)));
            Assert.That(q.Copyright, Does.Contain(definition.Licence).And.Contain(definition.Citation));
        });
    }

    [TestCaseSource(nameof(Instruments))]
    public void Each_answer_option_carries_the_definitions_value_as_its_ordinal_value(string id)
    {
        var definition = Catalog.Find(id)!;
        var q = Questionnaire(id);

        foreach (var item in definition.Items.Where(i => i.Options.Count > 0))
        {
            var question = Questions(q).Single(i => i.LinkId == item.Id);
            Assert.That(question.Type, Is.EqualTo(Hl7.Fhir.Model.Questionnaire.QuestionnaireItemType.Choice));
            Assert.That(question.AnswerOption.Select(Ordinal), Is.EqualTo(item.Options.Select(o => o.Value)), $"item {item.Id}");
            Assert.That(question.AnswerOption.Select(o => ((Coding)o.Value).Display), Is.EqualTo(item.Options.Select(o => o.Label.En)), $"item {item.Id}");
        }
    }

    [Test]
    public void PHQ9_has_its_LOINC_panel_item_codes_and_answer_codes()
    {
        var q = Questionnaire("phq9");

        Assert.Multiple(() =>
        {
            Assert.That(q.Code.Single().System, Is.EqualTo("http://loinc.org"));
            Assert.That(q.Code.Single().Code, Is.EqualTo("44249-1"));
            Assert.That(Questions(q).Select(i => i.Code.Single().Code), Is.EqualTo(new[]
            {
                "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8", "69722-7",
            }));
            foreach (var item in Questions(q).Take(9))
            {
                Assert.That(item.AnswerOption.Select(o => ((Coding)o.Value).Code), Is.EqualTo(new[] { "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9" }));
            }

            // LOINC LL359-1: "Very difficult" is LA6575-0 and "Extremely difficult" LA6574-3 (not in text order).
            var difficulty = Questions(q).Last().AnswerOption.Select(o => (Coding)o.Value).ToList();
            Assert.That(difficulty.Select(c => c.Code), Is.EqualTo(new[] { "LA6572-7", "LA6573-5", "LA6575-0", "LA6574-3" }));
            Assert.That(difficulty.Select(c => c.Display), Is.EqualTo(new[] { "Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult" }));
            Assert.That(difficulty.Select(c => c.System), Is.All.EqualTo("http://loinc.org"));
        });
    }

    [Test]
    public void GAD7_has_its_LOINC_panel_item_codes_and_the_PHQ_frequency_answer_codes()
    {
        var q = Questionnaire("gad7");

        Assert.Multiple(() =>
        {
            Assert.That(q.Code.Single().Code, Is.EqualTo("69737-5"));
            Assert.That(Questions(q).Select(i => i.Code.Single().Code), Is.EqualTo(new[] { "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7" }));
            foreach (var item in Questions(q))
            {
                Assert.That(item.AnswerOption.Select(o => ((Coding)o.Value).Code), Is.EqualTo(new[] { "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9" }));
            }
        });
    }

    [Test]
    public void An_instrument_without_LOINC_codes_gets_project_answer_codes_and_no_invented_LOINC()
    {
        var q = Questionnaire("who5");

        var codings = Questions(q).SelectMany(i => i.AnswerOption).Select(o => (Coding)o.Value).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(q.Code, Is.Empty);
            Assert.That(Questions(q).SelectMany(i => i.Code), Is.Empty);
            Assert.That(codings.Select(c => c.System), Is.All.EqualTo("urn:surveys:answer:who5"));
            Assert.That(codings.Select(c => c.Code), Is.Unique);
            Assert.That(codings[0].Code, Is.EqualTo($"1:{Catalog.Find("who5")!.Items[0].Options[0].Value}"));
        });
    }

    [Test]
    public void Numeric_diary_items_are_integer_or_decimal_questions_with_their_range()
    {
        var q = Questionnaire("t1d_diary");
        var hypos = Questions(q).Single(i => i.LinkId == "11");
        var insulin = Questions(q).Single(i => i.LinkId == "13");

        Assert.Multiple(() =>
        {
            Assert.That(hypos.Type, Is.EqualTo(Hl7.Fhir.Model.Questionnaire.QuestionnaireItemType.Integer));
            Assert.That(FhirParsing.Extension<Integer>(hypos, FhirCodes.MinValue).Value, Is.EqualTo(0));
            Assert.That(FhirParsing.Extension<Integer>(hypos, FhirCodes.MaxValue).Value, Is.EqualTo(99));
            Assert.That(insulin.Type, Is.EqualTo(Hl7.Fhir.Model.Questionnaire.QuestionnaireItemType.Decimal));
            Assert.That(FhirParsing.Extension<FhirDecimal>(insulin, FhirCodes.MaxValue).Value, Is.EqualTo(300m));
            Assert.That(FhirParsing.Extension<Integer>(insulin, FhirCodes.MaxDecimalPlaces).Value, Is.EqualTo(1));
            Assert.That(insulin.Required, Is.False);
        });
    }

    /// <summary>
    /// The key structure of the HL7 SDC example "questionnaire-sdc-profile-example-PHQ9" (HL7/sdc,
    /// input/fsh/examples/questionnaire-sdc-profile-example-PHQ9.fsh and input/fsh/codesystems/CodeSystemCSPHQ9.fsh),
    /// encoded here rather than copied: its nine choice questions (first words of each text, in order), the answer
    /// texts with their itemWeight, the total score item's LOINC code, and its copyright statement. The SDC example
    /// answers with its own CodeSystem (CSPHQ9); the LOINC answer codes are checked against LOINC LL358-3 above.
    /// </summary>
    private static readonly string[] SdcQuestionStarts =
    [
        "little interest or pleasure", "feeling down depressed or", "trouble falling or staying", "feeling tired or having",
        "poor appetite or overeating", "feeling bad about yourself", "trouble concentrating on things", "moving or speaking so",
        "thoughts that you would",
    ];

    private static readonly (string Text, decimal Weight)[] SdcAnswers =
        [("Not at all", 0), ("Several days", 1), ("More than half the days", 2), ("Nearly every day", 3)];

    private const string SdcTotalScoreLoinc = "44261-6";

    private const string SdcCopyrightPhrase = "no permission is required to reproduce, translate, display or distribute";

    [Test]
    public void PHQ9_has_the_structure_of_the_HL7_SDC_PHQ9_example()
    {
        var q = Questionnaire("phq9");
        var scored = Questions(q).Where(i => Catalog.Find("phq9")!.Scoring.Items.Contains(i.LinkId)).ToList();
        var total = Mapper.ToObservation(new StoredSubmission(Guid.NewGuid(), Guid.NewGuid(), "phq9", "1.0.0", new Dictionary<string, decimal?>(), DateTimeOffset.UnixEpoch)
        {
            Total = 3, ScoredAt = DateTimeOffset.UnixEpoch,
        })!;

        Assert.Multiple(() =>
        {
            Assert.That(scored.Select(i => FirstWords(i.Text ?? "", 4)), Is.EqualTo(SdcQuestionStarts), "the nine scored questions, in the SDC order");
            Assert.That(scored.Select(i => i.Type), Is.All.EqualTo(Hl7.Fhir.Model.Questionnaire.QuestionnaireItemType.Choice));
            foreach (var item in scored)
            {
                Assert.That(item.AnswerOption.Select(o => (((Coding)o.Value).Display, Ordinal(o))), Is.EqualTo(SdcAnswers), $"item {item.LinkId}");
            }

            Assert.That(total.Code.Coding.Where(c => c.System == "http://loinc.org").Select(c => c.Code), Is.EqualTo(new[] { SdcTotalScoreLoinc }),
                "the SDC total score item's code is our total Observation's code");
            Assert.That(q.Copyright, Does.Contain(SdcCopyrightPhrase).IgnoreCase);
        });
    }

    private static string FirstWords(string text, int count) =>
        string.Join(' ', Words().Split(text.ToLowerInvariant()).Where(w => w.Length > 0).Take(count));

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex Words();

    [Test]
    public void Computable_names_follow_the_FHIR_name_rule()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FhirMapper.ComputableName("phq9"), Is.EqualTo("PHQ9"));
            Assert.That(FhirMapper.ComputableName("t1d_diary"), Is.EqualTo("T1D_DIARY"));
            Assert.That(FhirMapper.ComputableName("5x-y"), Is.EqualTo("Q5X_Y"));
        });
    }
}
