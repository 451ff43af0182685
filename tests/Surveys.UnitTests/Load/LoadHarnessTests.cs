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

    [Test]
    public void The_report_gives_cpu_per_submission_for_each_process_and_for_the_system_without_the_load_generator()
    {
        var none = Latency.Of([]);
        var checks = new LoadChecks(2000, 2000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var result = new LoadResult(
            DateTimeOffset.UnixEpoch, new MachineInfo(2, 24, "Debian", ".NET 10", "3.10.8"),
            new LoadSettings([new Uri("http://127.0.0.1:5101")], "/tmp", 2000, 0, 0, 64, 0.1, false, TimeSpan.FromMinutes(1)),
            1, 1000, none, 1000, 0, none, none, none, none, 0, 0,
            [
                new ProcessUsage("intake", 1, 180, 1.2), new ProcessUsage("scoring", 2, 160, 0.6), new ProcessUsage("rabbitmq", 3, 300, 0.2),
                new ProcessUsage(ProcessMonitor.LoadGenerator, 4, 90, 0.3),
            ],
            null, null, checks, []);

        var markdown = result.ToMarkdown();

        Assert.Multiple(() =>
        {
            Assert.That(result.CpuMsPerSubmission, Is.EqualTo(1.0).Within(1e-9), "2 CPU seconds of the system over 2,000 submissions");
            Assert.That(markdown, Does.Contain("| intake: peak working set, CPU time | 180 MB, 1.2 s (0.60 ms per submission) |"));
            Assert.That(markdown, Does.Contain("| load generator: peak working set, CPU time | 90 MB, 0.3 s (0.15 ms per submission) |"));
            Assert.That(markdown, Does.Contain("| CPU of the services and the broker per submission | 1.00 ms |"));
            Assert.That(markdown, Does.Not.Contain("HTTP floor"), "no floor measured, no row");
            Assert.That((result with { Checks = checks with { Accepted = 0 } }).CpuMsPerSubmission, Is.NaN, "no submission, no figure");
        });
    }

    [Test]
    public void The_report_gives_the_http_floor_and_says_when_some_requests_were_not_answered_404()
    {
        var none = Latency.Of([]);
        var floor = new HttpFloorResult(10, 50_000, 0, 5_000, Latency.Of([1, 2, 3, 4]), 0.125, 0.025);
        var result = new LoadResult(
            DateTimeOffset.UnixEpoch, new MachineInfo(2, 24, "Debian", ".NET 10", "3.10.8"),
            new LoadSettings([new Uri("http://127.0.0.1:5101")], "/tmp", 10, 0, 0, 64, 0.1, false, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10)),
            1, 1000, none, 1000, 0, none, none, none, none, 0, 0, [], null, floor, new LoadChecks(10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), []);

        Assert.Multiple(() =>
        {
            Assert.That(floor.CpuMsPerRequest, Is.EqualTo(0.15).Within(1e-9));
            Assert.That(result.ToMarkdown(), Does.Contain(
                "| HTTP floor (unknown token, answered 404; 50000 requests in 10.0 s) | 5000 requests/s; p50 / p99 2.0 / 4.0 ms; CPU per request: intake 0.125 ms, load generator 0.025 ms |"));
            Assert.That((result with { HttpFloor = floor with { Unexpected = 7 } }).ToMarkdown(), Does.Contain("in 10.0 s, 7 NOT 404)"));
        });
    }
}
