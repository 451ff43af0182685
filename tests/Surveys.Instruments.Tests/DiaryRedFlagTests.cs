using System.Globalization;
using Surveys.Instruments;
using static Surveys.Instruments.Tests.TestSupport;

namespace Surveys.Instruments.Tests;

/// <summary>
/// The T1D red flags of diary version 2.0.0 (past 24 hours): every boundary of every flag, and the severity of the
/// alert each one calls for (alerting.flags / alerting.highFlags).
/// </summary>
public class DiaryRedFlagTests
{
    private const string MmolPerL = "1";
    private const string MgPerDl = "2";
    private static readonly InstrumentDefinition Diary = Catalog.Find("t1d_diary", "2.0.0")!;

    /// <summary>A calm, complete 2.0.0 diary (glucose meter in mmol/L, readings left blank), with overrides.</summary>
    private static Dictionary<string, decimal?> Calm(params (string Item, decimal? Value)[] overrides)
    {
        var a = Enumerable.Range(1, 12).ToDictionary(i => i.ToString(CultureInfo.InvariantCulture), _ => (decimal?)0m);
        a["14"] = 0;
        a["15"] = 1;
        a["18"] = 0;
        foreach (var (item, value) in overrides) a[item] = value;
        return a;
    }

    private static ScoreResult Score(params (string Item, decimal? Value)[] overrides) => Engine.Score("t1d_diary", Calm(overrides), "2.0.0");

    [Test]
    public void A_calm_diary_is_accepted_scored_and_raises_nothing()
    {
        var r = Score();
        Assert.Multiple(() =>
        {
            Assert.That(Engine.CheckSubmission("t1d_diary", Calm(), "2.0.0"), Is.Empty);
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Scored));
            Assert.That(r.Version, Is.EqualTo("2.0.0"));
            Assert.That(r.Flags, Is.Empty);
        });
    }

    // Highest blood ketone reading (item 17, mmol/L): 0.6-1.4 raised (high), >= 1.5 high (urgent).
    [TestCase("0.0", new string[0])]
    [TestCase("0.5", new string[0])]
    [TestCase("0.6", new[] { "ketones_raised" })]
    [TestCase("1.4", new[] { "ketones_raised" })]
    [TestCase("1.5", new[] { "ketones_high" })]
    [TestCase("2.0", new[] { "ketones_high" })]
    [TestCase("10.0", new[] { "ketones_high" })]
    public void Blood_ketone_boundaries(string reading, string[] flags)
    {
        var r = Score(("17", decimal.Parse(reading, CultureInfo.InvariantCulture)));
        Assert.That(r.Flags, Is.EqualTo(flags));
    }

    [Test]
    public void A_ketone_reading_of_2_0_raises_only_the_urgent_flag()
    {
        var flags = Score(("17", 2.0m)).Flags;
        Assert.That(flags.Select(Diary.Alerting.SeverityOf), Is.EqualTo(new[] { AlertingDefinition.UrgentSeverity }));
    }

    [Test]
    public void A_ketone_reading_has_at_most_one_decimal_and_a_blank_one_raises_nothing()
    {
        var r = Score(("17", 1.45m));
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Invalid));
            Assert.That(r.Errors.Single().Item, Is.EqualTo("17"));
            Assert.That(Score(("17", null)).Flags, Is.Empty);
            Assert.That(Diary.FindItem("17")!.Required, Is.False, "leave blank if you did not check");
        });
    }

    // Lowest glucose (item 16) with its unit (item 15): level 2 hypoglycaemia below 3.0 mmol/L or below 54 mg/dL.
    [TestCase("2.9", MmolPerL, true)]
    [TestCase("3.0", MmolPerL, false)]
    [TestCase("5.5", MmolPerL, false)]
    [TestCase("53", MgPerDl, true)]
    [TestCase("54", MgPerDl, false)]
    [TestCase("100", MgPerDl, false)]
    [TestCase("53", MmolPerL, false)] // a mg/dL-sized number read as mmol/L: not below 3.0
    [TestCase("2.9", MgPerDl, true)]  // a mmol/L-sized number read as mg/dL: below 54, flagged (the safe side)
    public void Level_2_low_glucose_boundaries_in_each_unit(string reading, string unit, bool flagged)
    {
        var r = Score(("16", decimal.Parse(reading, CultureInfo.InvariantCulture)), ("15", decimal.Parse(unit, CultureInfo.InvariantCulture)));
        Assert.That(r.Flags, flagged ? Is.EqualTo(new[] { "level2_low" }) : Is.Empty);
    }

    [Test]
    public void A_glucose_reading_without_its_unit_is_refused_and_raises_no_guessed_flag()
    {
        var answers = Calm(("16", 2.5m), ("15", null));

        var errors = Engine.CheckSubmission("t1d_diary", answers, "2.0.0");
        var r = Engine.Score("t1d_diary", answers, "2.0.0");

        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => e.Item), Is.EqualTo(new[] { "15" }));
            Assert.That(errors[0].Message, Does.Contain("Which unit does your glucose meter or sensor show?"));
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Incomplete));
            Assert.That(r.Flags, Is.Empty);
        });
    }

    [Test]
    public void A_unit_that_is_neither_mmol_per_L_nor_mg_per_dL_is_refused()
    {
        Assert.That(Score(("15", 3)).Errors.Single().Item, Is.EqualTo("15"));
    }

    [Test]
    public void Glucagon_passing_out_or_a_fit_with_a_low_is_urgent_and_must_be_answered()
    {
        var r = Score(("14", 1));
        Assert.Multiple(() =>
        {
            Assert.That(r.Flags, Is.EqualTo(new[] { "collapse_with_low" }));
            Assert.That(Diary.Alerting.SeverityOf("collapse_with_low"), Is.EqualTo(AlertingDefinition.UrgentSeverity));
            Assert.That(Diary.FindItem("14")!.Critical, Is.True);
            Assert.That(Engine.CheckSubmission("t1d_diary", Calm(("14", null)), "2.0.0").Single().Item, Is.EqualTo("14"));
        });
    }

    [Test]
    public void An_emergency_visit_or_hospital_stay_for_diabetes_is_high_and_must_be_answered()
    {
        var r = Score(("18", 1));
        Assert.Multiple(() =>
        {
            Assert.That(r.Flags, Is.EqualTo(new[] { "hospital_visit" }));
            Assert.That(Diary.Alerting.SeverityOf("hospital_visit"), Is.EqualTo(AlertingDefinition.HighSeverity));
            Assert.That(Diary.FindItem("18")!.Critical, Is.True);
            Assert.That(Engine.CheckSubmission("t1d_diary", Calm(("18", null)), "2.0.0").Single().Item, Is.EqualTo("18"));
        });
    }

    [Test]
    public void Every_diary_flag_raises_an_alert_at_its_stated_severity()
    {
        var expected = new Dictionary<string, string>
        {
            ["dka_warning"] = AlertingDefinition.UrgentSeverity,
            ["severe_hypo"] = AlertingDefinition.UrgentSeverity,
            ["collapse_with_low"] = AlertingDefinition.UrgentSeverity,
            ["ketones_high"] = AlertingDefinition.UrgentSeverity,
            ["ketones_raised"] = AlertingDefinition.HighSeverity,
            ["level2_low"] = AlertingDefinition.HighSeverity,
            ["hospital_visit"] = AlertingDefinition.HighSeverity,
            ["fever"] = AlertingDefinition.HighSeverity,
        };

        Assert.Multiple(() =>
        {
            Assert.That(Diary.Scoring.Flags.Select(f => f.Name), Is.EquivalentTo(expected.Keys), "every flag the diary can raise is listed");
            Assert.That(Diary.Alerting.Flags, Is.EquivalentTo(expected.Keys), "and every one of them raises an alert");
            foreach (var (flag, severity) in expected)
            {
                Assert.That(Diary.Alerting.SeverityOf(flag), Is.EqualTo(severity), flag);
            }
        });
    }

    [TestCase("1.0.0")]
    [TestCase("2.0.0")]
    public void Fever_raises_a_high_alert_in_both_diary_versions(string version)
    {
        var d = Catalog.Find("t1d_diary", version)!;
        Assert.Multiple(() =>
        {
            Assert.That(d.FindItem("10")!.Critical, Is.True);
            Assert.That(d.Alerting.Flags, Does.Contain("fever"), "a critical item's flag raises an alert");
            Assert.That(d.Alerting.SeverityOf("fever"), Is.EqualTo(AlertingDefinition.HighSeverity));
        });
    }

    [Test]
    public void Every_flag_of_every_shipped_definition_raises_an_alert()
    {
        var silent = Catalog.All.SelectMany(d => d.Scoring.Flags.Where(f => !d.Alerting.Flags.Contains(f.Name)).Select(f => $"{d.Id}@{d.Version}: {f.Name}"));
        Assert.That(silent, Is.Empty);
    }

    [Test]
    public void Worked_example_a_bad_day_raises_each_red_flag_once()
    {
        // Passed out with a low (14), lowest reading 45 mg/dL (15, 16), ketones 1.1 (17), went to the emergency department (18).
        var r = Score(("14", 1), ("15", 2), ("16", 45), ("17", 1.1m), ("18", 1));
        Assert.That(r.Flags, Is.EqualTo(new[] { "collapse_with_low", "ketones_raised", "level2_low", "hospital_visit" }));
    }

    [Test]
    public void Diary_1_0_0_answers_still_score_with_their_own_version()
    {
        var old = Enumerable.Range(1, 12).ToDictionary(i => i.ToString(CultureInfo.InvariantCulture), i => (decimal?)(i == 12 ? 1 : 0));

        var r = Engine.Score("t1d_diary", old, "1.0.0");

        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Scored));
            Assert.That(r.Version, Is.EqualTo("1.0.0"));
            Assert.That(r.Flags, Is.EqualTo(new[] { "severe_hypo" }));
            Assert.That(Engine.CheckSubmission("t1d_diary", old, "1.0.0"), Is.Empty, "an in-flight 1.0.0 link still takes a 1.0.0 form");
        });
    }

    [Test]
    public void A_PAID5_total_of_8_is_in_the_severe_alerting_range_and_7_is_not()
    {
        var paid5 = Catalog.Find("paid5")!;
        var eight = Engine.Score("paid5", Answers(2, 2, 2, 2, 0));
        var seven = Engine.Score("paid5", Answers(2, 2, 2, 1, 0));

        Assert.Multiple(() =>
        {
            Assert.That(eight.Band, Is.EqualTo("possible_distress"));
            Assert.That(paid5.Alerting.Severe!.Total.IsMet(eight.Total!.Value), Is.True);
            Assert.That(seven.Band, Is.EqualTo("below_threshold"));
            Assert.That(paid5.Alerting.Severe.Total.IsMet(seven.Total!.Value), Is.False);
        });
    }
}
