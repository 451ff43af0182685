using Surveys.Contracts;
using Surveys.Instruments;
using Surveys.Notifier.Alerts;
using Surveys.ServiceDefaults.Messaging;

namespace Surveys.UnitTests;

/// <summary>The first two rules, with thresholds read from the shipped instrument definitions.</summary>
public class AlertRulesTests
{
    private static readonly AlertRules Rules = new(InstrumentCatalog.LoadEmbedded());

    private static SurveyScored Scored(string instrument, decimal? total, string status = "scored", string[]? flags = null, Dictionary<string, decimal>? grades = null) => new(
        Guid.NewGuid(), Guid.NewGuid(), instrument, "1.0.0", status, total, null, false, flags ?? [],
        new Dictionary<string, decimal>(), grades ?? [], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    [Test]
    public void Phq9_self_harm_flag_raises_an_urgent_critical_item_alert_that_says_why()
    {
        var alerts = Rules.Evaluate(Scored("phq9", 4, flags: ["self_harm_risk"]));

        Assert.That(alerts, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(alerts[0].Rule, Is.EqualTo("critical_item"));
            Assert.That(alerts[0].Severity, Is.EqualTo("urgent"));
            Assert.That(alerts[0].Reason, Does.Contain("item 9").And.Contain("better off dead").And.Contain("PHQ-9"));
        });
    }

    [Test]
    public void Phq9_self_harm_flag_raises_an_alert_even_on_an_incomplete_form()
    {
        var alerts = Rules.Evaluate(Scored("phq9", null, "incomplete", ["self_harm_risk"]));

        Assert.That(alerts.Select(a => a.Rule), Is.EqualTo(new[] { "critical_item" }));
    }

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
    public void A_total_in_the_severe_range_raises_a_high_severe_band_alert(string instrument, decimal total, bool expected)
    {
        var alerts = Rules.Evaluate(Scored(instrument, total));

        Assert.That(alerts.Any(a => a.Rule == "severe_band" && a.Severity == "high"), Is.EqualTo(expected));
    }

    [Test]
    public void An_incomplete_form_raises_no_severe_band_alert_from_its_total()
    {
        Assert.That(Rules.Evaluate(Scored("phq9", 24, "incomplete")), Is.Empty);
    }

    [Test]
    public void Severe_total_with_self_harm_raises_both_alerts()
    {
        var alerts = Rules.Evaluate(Scored("phq9", 22, flags: ["self_harm_risk"]));

        Assert.That(alerts.Select(a => a.Rule), Is.EquivalentTo(new[] { "critical_item", "severe_band" }));
    }

    [Test]
    public void A_calm_phq9_raises_nothing()
    {
        Assert.That(Rules.Evaluate(Scored("phq9", 3)), Is.Empty);
    }

    [TestCase("dka_warning")]
    [TestCase("severe_hypo")]
    public void Diary_critical_flags_raise_urgent_alerts(string flag)
    {
        var alerts = Rules.Evaluate(Scored("t1d_diary", null, "incomplete", [flag]));

        Assert.That(alerts.Single().Rule, Is.EqualTo("critical_item"));
        Assert.That(alerts.Single().Reason, Does.Contain(flag));
    }

    [Test]
    public void A_diary_fever_flag_alone_raises_no_alert()
    {
        Assert.That(Rules.Evaluate(Scored("t1d_diary", null, flags: ["fever"], grades: new() { ["10"] = 1 })), Is.Empty);
    }

    [TestCase("3", 3, true)]
    [TestCase("9", 4, true)]
    [TestCase("3", 2, false)]
    [TestCase("11", 5, false)]
    public void A_diary_symptom_graded_3_or_more_raises_a_severe_band_alert(string item, decimal grade, bool expected)
    {
        var alerts = Rules.Evaluate(Scored("t1d_diary", null, grades: new() { [item] = grade }));

        Assert.That(alerts.Any(a => a.Rule == "severe_band"), Is.EqualTo(expected));
    }

    [Test]
    public void A_score_from_an_unknown_definition_is_unprocessable()
    {
        var scored = Scored("phq9", 3) with { DefinitionVersion = "9.9.9" };

        Assert.That(() => Rules.Evaluate(scored), Throws.TypeOf<UnprocessableMessageException>().With.Message.Contains("9.9.9"));
    }
}
