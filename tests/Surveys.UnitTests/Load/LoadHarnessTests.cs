using Surveys.Cli.Load;
using Surveys.Contracts;
using Surveys.Instruments;
using Surveys.Notifier.Alerts;

namespace Surveys.UnitTests.Load;

/// <summary>
/// The load harness's own correctness: the forms it submits are valid, and it expects exactly the alerts the
/// notifier's real rules raise for them (checked with the shipped definitions, not assumed).
/// </summary>
public sealed class LoadHarnessTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.LoadEmbedded();
    private static readonly ScoringEngine Engine = new(Catalog);
    private static readonly AlertRules Rules = new(Catalog);

    [TestCase(0.0)]
    [TestCase(0.1)]
    [TestCase(0.4)]
    public void Every_planned_form_is_valid_and_raises_exactly_the_alert_the_plan_expects(double alertShare)
    {
        var forms = LoadPlan.Create(1000, alertShare);

        foreach (var form in forms)
        {
            var definition = Catalog.Find(form.Instrument)!;
            var result = Engine.Score(form.Instrument, form.Answers, definition.Version);
            Assert.That(result.Status, Is.EqualTo(ScoreStatus.Scored), $"{form.Instrument} form {form.Index}: {string.Join("; ", result.Errors.Select(e => e.Message))}");
            var scored = new SurveyScored(
                Guid.NewGuid(), Guid.NewGuid(), form.Instrument, definition.Version, "scored", result.Total, result.Band, result.Prorated, result.Flags,
                result.Subscores, result.ItemGrades, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, form.Answers);
            var raised = Rules.Evaluate(scored, baseline: null).Select(a => a.Rule).ToArray();
            Assert.That(raised, Is.EqualTo(form.ExpectedRule is null ? Array.Empty<string>() : new[] { form.ExpectedRule }), $"{form.Instrument} form {form.Index}");
        }

        var share = forms.Count(f => f.ExpectedRule is not null) / (double)forms.Count;
        Assert.That(share, Is.EqualTo(alertShare).Within(0.01), "the share of alerting forms is the one asked for");
    }

    [Test]
    public void The_mix_gives_each_patient_each_instrument_once()
    {
        var forms = LoadPlan.Create(1000, 0.1);

        Assert.Multiple(() =>
        {
            Assert.That(forms.GroupBy(f => f.Instrument).Select(g => g.Count()), Is.All.EqualTo(200));
            Assert.That(forms.GroupBy(f => (f.PatientIndex, f.Instrument)).Select(g => g.Count()), Is.All.EqualTo(1), "no form is compared with an earlier one of the same patient");
        });
    }

    [Test]
    public void Percentiles_are_nearest_rank()
    {
        var latency = Latency.Of(Enumerable.Range(1, 200).Select(i => (double)i).Reverse());

        Assert.Multiple(() =>
        {
            Assert.That(latency.Count, Is.EqualTo(200));
            Assert.That(latency.P50, Is.EqualTo(100));
            Assert.That(latency.P95, Is.EqualTo(190));
            Assert.That(latency.P99, Is.EqualTo(198));
            Assert.That(latency.Max, Is.EqualTo(200));
            Assert.That(Latency.Of([]).Count, Is.Zero);
        });
    }
}
