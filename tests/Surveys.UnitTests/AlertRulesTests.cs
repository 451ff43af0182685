using Surveys.Contracts;
using Surveys.Notifier.Alerts;

namespace Surveys.UnitTests;

public class AlertRulesTests
{
    private static SurveyScored Phq9(decimal? total, string status = "scored", params string[] flags) => new(
        Guid.NewGuid(), Guid.NewGuid(), "phq9", "1.0.0", status, total, null, false, flags,
        new Dictionary<string, decimal>(), new Dictionary<string, decimal>(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    [Test]
    public void Self_harm_flag_raises_an_urgent_critical_item_alert()
    {
        var alerts = AlertRules.Evaluate(Phq9(4, "scored", "self_harm_risk"));

        Assert.That(alerts, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(alerts[0].Rule, Is.EqualTo("critical_item"));
            Assert.That(alerts[0].Severity, Is.EqualTo("urgent"));
            Assert.That(alerts[0].Reason, Does.Contain("item 9"));
        });
    }

    [Test]
    public void Self_harm_flag_raises_an_alert_even_on_an_incomplete_form()
    {
        var alerts = AlertRules.Evaluate(Phq9(null, "incomplete", "self_harm_risk"));

        Assert.That(alerts.Select(a => a.Rule), Is.EqualTo(new[] { "critical_item" }));
    }

    [TestCase(19, false)]
    [TestCase(20, true)]
    [TestCase(27, true)]
    public void Total_of_20_or_more_raises_a_severe_band_alert(int total, bool expected)
    {
        var alerts = AlertRules.Evaluate(Phq9(total));

        Assert.That(alerts.Any(a => a.Rule == "severe_band" && a.Severity == "high"), Is.EqualTo(expected));
    }

    [Test]
    public void Severe_total_with_self_harm_raises_both_alerts()
    {
        var alerts = AlertRules.Evaluate(Phq9(22, "scored", "self_harm_risk"));

        Assert.That(alerts.Select(a => a.Rule), Is.EquivalentTo(new[] { "critical_item", "severe_band" }));
    }

    [Test]
    public void Calm_phq9_raises_nothing()
    {
        Assert.That(AlertRules.Evaluate(Phq9(3)), Is.Empty);
    }

    [Test]
    public void Other_instruments_raise_nothing_from_the_phq9_rule()
    {
        var gad7 = Phq9(21, "scored", "self_harm_risk") with { Instrument = "gad7" };

        Assert.That(AlertRules.Evaluate(gad7), Is.Empty);
    }
}
