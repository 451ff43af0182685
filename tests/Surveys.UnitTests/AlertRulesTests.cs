using Surveys.Contracts;
using Surveys.Instruments;
using Surveys.Notifier.Alerts;
using Surveys.Hosting.Messaging;

namespace Surveys.UnitTests;

/// <summary>Every rule for every instrument, with thresholds read from the shipped definitions, at their exact boundaries.</summary>
public class AlertRulesTests
{
    private static readonly AlertRules Rules = new(InstrumentCatalog.LoadEmbedded());
    private static readonly DateTimeOffset Day0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private static SurveyScored Scored(
        string instrument, decimal? total, string status = "scored", string[]? flags = null, Dictionary<string, decimal>? grades = null, Dictionary<string, decimal?>? answers = null) => new(
        Guid.NewGuid(), Guid.NewGuid(), instrument, "1.0.0", status, total, null, false, flags ?? [],
        new Dictionary<string, decimal>(), grades ?? [], Day0.AddDays(28), Day0.AddDays(28), answers);

    private static Baseline BaselineOf(decimal? total, Dictionary<string, decimal>? grades = null) =>
        new(Guid.NewGuid(), total, grades ?? [], Day0);

    private static IEnumerable<string> RulesOf(IEnumerable<AlertCandidate> alerts) => alerts.Select(a => a.Rule);

    // 1. critical_item

    [Test]
    public void Phq9_self_harm_flag_raises_an_urgent_alert_that_names_the_item_and_shows_the_answer()
    {
        var alerts = Rules.Evaluate(Scored("phq9", 4, flags: ["self_harm_risk"], answers: new() { ["9"] = 2 }), null);

        var alert = alerts.Single();
        Assert.Multiple(() =>
        {
            Assert.That(alert.Rule, Is.EqualTo("critical_item"));
            Assert.That(alert.Severity, Is.EqualTo("urgent"));
            Assert.That(alert.Reason, Does.StartWith("PHQ-9: item 9").And.Contain("better off dead").And.Not.Contain("self_harm_risk"), "plain words, not the flag's code");
            Assert.That(alert.Finding, Is.EqualTo("self_harm_risk"));
            Assert.That(System.Text.Json.JsonSerializer.Serialize(alert.Details["answers"]), Does.Contain("More than half the days").And.Contain("\"value\":2"));
        });
    }

    [Test]
    public void A_critical_item_fires_on_an_incomplete_form()
    {
        Assert.That(RulesOf(Rules.Evaluate(Scored("phq9", null, "incomplete", ["self_harm_risk"]), null)), Is.EqualTo(new[] { "critical_item" }));
    }

    [TestCase("dka_warning")]
    [TestCase("severe_hypo")]
    public void Diary_critical_flags_raise_urgent_alerts_even_when_incomplete(string flag)
    {
        var alert = Rules.Evaluate(Scored("t1d_diary", null, "incomplete", [flag]), null).Single();

        Assert.That((alert.Rule, alert.Severity, alert.Finding), Is.EqualTo(("critical_item", "urgent", flag)));
    }

    [Test]
    public void Each_critical_finding_is_its_own_alert()
    {
        var alerts = Rules.Evaluate(Scored("t1d_diary", null, "incomplete", ["dka_warning", "severe_hypo"]), null);

        Assert.That(alerts.Where(a => a.Rule == "critical_item").Select(a => a.Reason).ToList(), Has.Count.EqualTo(2));
        Assert.That(alerts.Select(a => (a.Finding, a.Severity)), Is.EquivalentTo(new[] { ("dka_warning", "urgent"), ("severe_hypo", "urgent") }));
    }

    [Test]
    public void A_flag_the_definition_lists_as_high_raises_a_high_alert()
    {
        using var stream = typeof(InstrumentCatalog).Assembly.GetManifestResourceStream("definitions/t1d_diary.json")!;
        var json = System.Text.Json.Nodes.JsonNode.Parse(stream)!;
        json["alerting"]!["highFlags"] = new System.Text.Json.Nodes.JsonArray("dka_warning");
        var rules = new AlertRules(InstrumentCatalog.FromSources([("t1d_diary.json", json.ToJsonString())]));

        var alerts = rules.Evaluate(Scored("t1d_diary", null, "incomplete", ["dka_warning", "severe_hypo"]), null);

        Assert.That(alerts.Select(a => (a.Finding, a.Severity)), Is.EquivalentTo(new[] { ("dka_warning", "high"), ("severe_hypo", "urgent") }));
    }

    [Test]
    public void A_diary_fever_flag_alone_raises_an_alert()
    {
        // Issue 18: fever is a critical item, so the definitions now list its flag under alerting.flags (high).
        Assert.That(Rules.Evaluate(Scored("t1d_diary", null, flags: ["fever"], grades: new() { ["10"] = 1 }), null), Is.Not.Empty);
    }

    // 2. severe_band

    [TestCase("phq9", 19, false)]
    [TestCase("phq9", 20, true)]
    [TestCase("phq9", 27, true)]
    [TestCase("gad7", 14, false)]
    [TestCase("gad7", 15, true)]
    [TestCase("who5", 28, true)]
    [TestCase("who5", 32, false)]
    [TestCase("paid20", 39.99, false)]
    [TestCase("paid20", 40, true)]
    [TestCase("gold", 3, false)]
    [TestCase("gold", 4, true)]
    [TestCase("paid5", 7, false)]
    [TestCase("paid5", 8, true)]
    public void A_total_in_the_severe_range_raises_a_high_alert(string instrument, decimal total, bool expected)
    {
        var alerts = Rules.Evaluate(Scored(instrument, total), null);

        Assert.That(alerts.Any(a => a.Rule == "severe_band" && a.Severity == "high"), Is.EqualTo(expected));
    }

    [Test]
    public void An_incomplete_form_raises_no_severe_band_alert_from_its_total()
    {
        Assert.That(Rules.Evaluate(Scored("phq9", 24, "incomplete"), null), Is.Empty);
    }

    [TestCase("3", 3, true)]
    [TestCase("9", 4, true)]
    [TestCase("3", 2, false)]
    [TestCase("11", 5, false)]
    public void A_diary_symptom_graded_3_or_more_raises_a_severe_band_alert(string item, decimal grade, bool expected)
    {
        var alerts = Rules.Evaluate(Scored("t1d_diary", null, grades: new() { [item] = grade }), null);

        Assert.That(alerts.Any(a => a.Rule == "severe_band"), Is.EqualTo(expected));
    }

    // 3. worse_than_baseline

    [TestCase("phq9", 5, 10, true)]    // +5 and ≥ 10
    [TestCase("phq9", 6, 10, false)]   // +4
    [TestCase("phq9", 4, 9, false)]    // +5 but below 10
    [TestCase("phq9", 6, 14, true)]    // the example: +8
    [TestCase("gad7", 6, 10, true)]    // +4 and ≥ 10
    [TestCase("gad7", 7, 10, false)]   // +3
    [TestCase("gad7", 5, 9, false)]    // +4 but below 10
    [TestCase("who5", 60, 48, true)]   // −12 and < 50
    [TestCase("who5", 58, 48, true)]   // −10 and < 50
    [TestCase("who5", 57, 48, false)]  // −9
    [TestCase("who5", 64, 52, false)]  // −12 but not below 50
    [TestCase("paid20", 10, 20, true)] // +10 and ≥ 17
    [TestCase("paid20", 11, 20, false)]
    [TestCase("paid20", 5, 16.25, false)] // +11.25 but below 17
    public void A_total_worse_than_baseline_by_the_mcid_and_in_the_relevant_range_raises_a_high_alert(string instrument, decimal baseline, decimal current, bool expected)
    {
        var alerts = Rules.Evaluate(Scored(instrument, current), BaselineOf(baseline));

        Assert.That(alerts.Any(a => a.Rule == "worse_than_baseline" && a.Severity == "high"), Is.EqualTo(expected));
    }

    [Test]
    public void The_worse_than_baseline_reason_reads_as_the_nurse_needs_it()
    {
        var alert = Rules.Evaluate(Scored("phq9", 14), BaselineOf(6)).Single(a => a.Rule == "worse_than_baseline");

        Assert.That(alert.Reason, Does.StartWith("PHQ-9 rose from 6 at baseline to 14: +8, threshold +5"));
        Assert.That(alert.Details["baseline"], Is.EqualTo(6m));
        Assert.That(alert.Details["current"], Is.EqualTo(14m));
    }

    [Test]
    public void A_fall_in_wellbeing_reads_as_a_fall()
    {
        var alert = Rules.Evaluate(Scored("who5", 40), BaselineOf(60)).Single(a => a.Rule == "worse_than_baseline");

        Assert.That(alert.Reason, Does.StartWith("WHO-5 Well-Being Index fell from 60 at baseline to 40: −20, threshold −10"));
    }

    [Test]
    public void The_first_ever_submission_has_no_baseline_and_raises_no_worsening()
    {
        Assert.That(RulesOf(Rules.Evaluate(Scored("phq9", 19), null)), Does.Not.Contain("worse_than_baseline"));
    }

    [Test]
    public void An_incomplete_form_is_not_compared_with_the_baseline()
    {
        Assert.That(Rules.Evaluate(Scored("phq9", null, "incomplete"), BaselineOf(2)), Is.Empty);
    }

    [TestCase(0, 2, true)]   // +2, grade 2
    [TestCase(1, 3, true)]   // +2, grade 3 (also severe)
    [TestCase(1, 2, false)]  // +1
    [TestCase(0, 1, false)]  // grade below 2
    public void A_diary_symptom_two_grades_above_its_baseline_raises_a_high_alert(decimal before, decimal now, bool expected)
    {
        var alerts = Rules.Evaluate(Scored("t1d_diary", null, grades: new() { ["3"] = now }), BaselineOf(null, new() { ["3"] = before }));

        Assert.That(alerts.Any(a => a.Rule == "worse_than_baseline"), Is.EqualTo(expected));
    }

    [Test]
    public void A_relapse_after_improvement_is_compared_with_the_best_total_so_far_and_the_reason_says_so()
    {
        var baseline = BaselineOf(20) with { Best = new BestResult(Guid.NewGuid(), 5, Day0.AddDays(14)) };

        var alert = Rules.Evaluate(Scored("phq9", 14), baseline).Single(a => a.Rule == "worse_than_baseline");

        Assert.That(alert.Reason, Is.EqualTo("PHQ-9 rose from 5, the best so far, to 14: +9, threshold +5, and 14 is at least 10. The first result was 20."));
        Assert.That(alert.Details["best"], Is.EqualTo(5m));
    }

    [Test]
    public void For_wellbeing_the_best_so_far_is_the_highest()
    {
        var baseline = BaselineOf(40) with { Best = new BestResult(Guid.NewGuid(), 70, Day0.AddDays(14)) };

        var alert = Rules.Evaluate(Scored("who5", 44), baseline).Single(a => a.Rule == "worse_than_baseline");

        Assert.That(alert.Reason, Does.StartWith("WHO-5 Well-Being Index fell from 70, the best so far, to 44: −26, threshold −10"));
    }

    [Test]
    public void A_best_no_better_than_the_first_result_reads_as_the_baseline()
    {
        var baseline = BaselineOf(6) with { Best = new BestResult(Guid.NewGuid(), 6, Day0) };

        Assert.That(Rules.Evaluate(Scored("phq9", 14), baseline).Single(a => a.Rule == "worse_than_baseline").Reason, Does.StartWith("PHQ-9 rose from 6 at baseline to 14"));
    }

    [Test]
    public void A_diary_symptom_is_compared_with_its_best_grade_so_far()
    {
        var baseline = BaselineOf(null, new() { ["3"] = 3 }) with { BestItemGrades = new Dictionary<string, decimal> { ["3"] = 0 } };

        var alert = Rules.Evaluate(Scored("t1d_diary", null, grades: new() { ["3"] = 2 }), baseline).Single(a => a.Rule == "worse_than_baseline");

        Assert.That(alert.Reason, Does.Contain("from 0, the best so far, to 2"));
    }

    // 4. missed_surveys

    [Test]
    public void Two_scheduled_surveys_in_a_row_missed_raise_a_routine_alert()
    {
        var missed = new[] { new MissedSurvey(Guid.NewGuid(), "phq9", Day0), new MissedSurvey(Guid.NewGuid(), "t1d_diary", Day0.AddDays(1)) };

        var alert = AlertRules.EvaluateMissed(missed, lastSubmittedAt: Day0.AddDays(-1));

        Assert.That(alert, Is.Not.Null);
        Assert.That((alert!.Rule, alert.Severity), Is.EqualTo(("missed_surveys", "routine")));
        Assert.That(alert.Reason, Does.Contain("phq9 sent 2026-01-05 and t1d_diary sent 2026-01-06"));
    }

    [Test]
    public void One_missed_survey_raises_nothing()
    {
        Assert.That(AlertRules.EvaluateMissed([new MissedSurvey(Guid.NewGuid(), "phq9", Day0)], null), Is.Null);
    }

    [Test]
    public void An_answer_between_two_missed_surveys_breaks_the_row()
    {
        var missed = new[] { new MissedSurvey(Guid.NewGuid(), "phq9", Day0), new MissedSurvey(Guid.NewGuid(), "gad7", Day0.AddDays(14)) };

        Assert.That(AlertRules.EvaluateMissed(missed, lastSubmittedAt: Day0.AddDays(2)), Is.Null);
    }

    // Together

    [Test]
    public void Severe_total_with_self_harm_and_a_worsening_raises_three_alerts()
    {
        var alerts = Rules.Evaluate(Scored("phq9", 22, flags: ["self_harm_risk"]), BaselineOf(5));

        Assert.That(RulesOf(alerts), Is.EquivalentTo(new[] { "critical_item", "severe_band", "worse_than_baseline" }));
    }

    [Test]
    public void A_calm_phq9_raises_nothing()
    {
        Assert.That(Rules.Evaluate(Scored("phq9", 3), BaselineOf(2)), Is.Empty);
    }

    [Test]
    public void A_score_from_an_unknown_definition_is_unprocessable()
    {
        var scored = Scored("phq9", 3) with { DefinitionVersion = "9.9.9" };

        Assert.That(() => Rules.Evaluate(scored, null), Throws.TypeOf<UnprocessableMessageException>().With.Message.Contains("9.9.9"));
    }

    [TestCase("Patient Health Questionnaire-9 (PHQ-9)", "PHQ-9")]
    [TestCase("Gold score (awareness of hypoglycaemia)", "Gold score")]
    [TestCase("WHO-5 Well-Being Index", "WHO-5 Well-Being Index")]
    public void Instruments_have_short_names_in_reasons(string title, string expected)
    {
        var definition = InstrumentCatalog.LoadEmbedded().All[0] with { Title = new LocalizedText(new Dictionary<string, string> { ["en"] = title }) };

        Assert.That(AlertRules.ShortName(definition), Is.EqualTo(expected));
    }
}
