using System.Globalization;
using Surveys.Instruments;
using static Surveys.Instruments.Tests.TestSupport;

namespace Surveys.Instruments.Tests;

/// <summary>
/// <see cref="ScoringEngine.CheckSubmission"/>: the one rule every route applies before it accepts a form (survey
/// pages, POST /api/responses, POST /fhir/QuestionnaireResponse), so they all accept exactly the same forms.
/// </summary>
public class SubmissionRuleTests
{
    private static IReadOnlyList<AnswerError> Check(string instrument, params decimal?[] values) => Engine.CheckSubmission(instrument, Answers(values));

    [Test]
    public void A_PHQ9_without_item_9_is_refused_naming_item_9_and_its_question()
    {
        var errors = Check("phq9", 3, 3, 3, 3, 3, 3, 3, 3);

        var error = errors.Single();
        Assert.Multiple(() =>
        {
            Assert.That(error.Item, Is.EqualTo("9"));
            Assert.That(error.Unanswered, Is.True);
            Assert.That(error.Message, Is.EqualTo(
                "item '9' (\"Thoughts that you would be better off dead or of hurting yourself in some way\") is not answered: this question must always be answered"));
        });
    }

    [Test]
    public void Proration_stays_in_the_engine_for_answers_collected_elsewhere()
    {
        // The same form the routes refuse: the CLI scorer and stored history still prorate it as the manual allows.
        var r = Score("phq9", 3, 3, 3, 3, 3, 3, 3, 3);
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Scored));
            Assert.That(r.Total, Is.EqualTo(27));
            Assert.That(r.Prorated, Is.True);
            Assert.That(r.Flags, Is.Empty, "a blank item 9 raises nothing: this is why the routes refuse it");
        });
    }

    [Test]
    public void An_empty_form_is_refused()
    {
        var none = Engine.CheckSubmission("phq9", new Dictionary<string, decimal?>());
        var blanks = Engine.CheckSubmission("gold", new Dictionary<string, decimal?> { ["1"] = null });

        Assert.Multiple(() =>
        {
            Assert.That(none.Single().Item, Is.Null);
            Assert.That(none.Single().Message, Does.StartWith("no question is answered"));
            Assert.That(none.Single().Unanswered, Is.True);
            Assert.That(blanks.Single().Message, Does.StartWith("no question is answered"));
        });
    }

    [Test]
    public void Every_required_item_must_be_answered_even_within_the_proration_allowance()
    {
        var errors = Check("gad7", 0, 0, 0, 0, 0, 0);

        Assert.That(errors.Select(e => (e.Item, e.Unanswered)), Is.EqualTo(new[] { ("7", true) }));
        Assert.That(errors[0].Message, Does.EndWith("every question not marked optional must be answered"));
    }

    [Test]
    public void Optional_items_may_be_left_blank()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Check("phq9", 0, 0, 0, 0, 0, 0, 0, 0, 0), Is.Empty, "PHQ-9 item 10 is optional");
            Assert.That(Check("gad7", 0, 0, 0, 0, 0, 0, 0), Is.Empty);
        });
    }

    [Test]
    public void Bad_values_and_unanswered_questions_are_all_named_at_once()
    {
        var errors = Engine.CheckSubmission("phq9", new Dictionary<string, decimal?> { ["1"] = 4, ["2"] = 0.5m, ["3"] = 1m, ["42"] = 1 });

        Assert.Multiple(() =>
        {
            Assert.That(errors.Where(e => !e.Unanswered).Select(e => e.Item), Is.EquivalentTo(new[] { "1", "2", "42" }));
            Assert.That(errors.Where(e => e.Unanswered).Select(e => e.Item), Is.EqualTo(new[] { "4", "5", "6", "7", "8", "9" }));
        });
    }

    [TestCase("0", true)]
    [TestCase("3", true)]
    [TestCase("1.0", true)]
    [TestCase("0.5", false)]
    [TestCase("4", false)]
    [TestCase("-1", false)]
    public void A_choice_answer_must_be_exactly_one_of_the_items_values(string value, bool accepted)
    {
        var answers = Answers(0, 0, 0, 0, 0, 0, 0);
        answers["7"] = decimal.Parse(value, CultureInfo.InvariantCulture); // GAD-7 item 7: options 0, 1, 2, 3

        var errors = Engine.CheckSubmission("gad7", answers);

        Assert.That(errors, accepted ? Is.Empty : Has.Exactly(1).Matches<AnswerError>(e => e.Item == "7" && !e.Unanswered));
    }

    [Test]
    public void An_unknown_instrument_or_version_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Engine.CheckSubmission("nope", Answers(1)).Single().Message, Does.Contain("Unknown instrument"));
            Assert.That(Engine.CheckSubmission("phq9", Answers(1), "9.9.9").Single().Message, Does.Contain("Unknown version"));
        });
    }
}
