using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Surveys.Contracts;
using Surveys.Intake.Invitations;
using Surveys.Intake.Outcomes;
using Surveys.Intake.Scheduling;
using Surveys.Intake.Submissions;
using Surveys.UnitTests.Scheduling;
using Surveys.UnitTests.Survey;

namespace Surveys.UnitTests.Outcomes;

/// <summary>
/// The report's numbers from a cohort seeded through intake's own stores (real SQLite file), checked against
/// figures worked out here by hand: the deltas are written out, and the t quantiles come from printed tables.
/// </summary>
public class OutcomesReportTests
{
    private static readonly DateOnly Index = new(2026, 1, 5);

    // Two-sided 95% critical values of Student's t (published tables, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
    private static readonly Dictionary<int, double> T975 = new() { [1] = 12.706, [2] = 4.303, [4] = 2.776, [5] = 2.571, [9] = 2.262, [11] = 2.201, [30] = 2.042, [100] = 1.984 };

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(9)]
    [TestCase(11)]
    [TestCase(30)]
    [TestCase(100)]
    public void The_t_quantile_matches_the_printed_table(int df) =>
        Assert.That(Statistics.TQuantile(0.975, df), Is.EqualTo(T975[df]).Within(0.0006));

    [Test]
    public async Task Change_from_baseline_confidence_intervals_and_mid_shares_match_a_hand_computation()
    {
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var seed = new Seeder(world);
        var patients = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            patients.Add(await world.EnrolAsync(Index.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "UTC"));
        }

        int[] baseline = [8, 10, 12, 14, 16, 8, 10, 12, 14, 16, 8, 10];
        int[] day14 = [2, 5, 8, 11, 16, 10, 14, 17, 20, 15, 0, 13];
        int[] day28 = [1, 4, 7, 10, 13, 6, 9, 12, 15, 18];
        for (var i = 0; i < 12; i++)
        {
            await seed.ScheduledAsync(patients[i], "phq9", "phq9@d0", 1, baseline[i]);
            await seed.ScheduledAsync(patients[i], "phq9", "phq9@d14", 15, day14[i]);
            if (i < 10 && i != 3)
            {
                await seed.ScheduledAsync(patients[i], "phq9", "phq9@d28", 29, day28[i]);
            }
        }

        await seed.AdHocAsync(patients[3], "phq9", 24, day28[3]);   // no schedule key: nearest step within 7 days is day 28
        await seed.AdHocAsync(patients[4], "phq9", -2, 20);         // before the index date: the earliest, so patient 4's baseline
        await seed.AdHocAsync(patients[5], "gad7", 60, 9);          // gad7 without a baseline: in no change figure

        int[] who5Baseline = [40, 52, 60, 28, 72];
        int[] who5Month1 = [56, 48, 60, 40, 60];
        for (var i = 0; i < 5; i++)
        {
            await seed.ScheduledAsync(patients[i], "who5", "who5@m0", 0, who5Baseline[i]);
            await seed.ScheduledAsync(patients[i], "who5", "who5@m1", 33, who5Month1[i]);   // 2026-01-05 + 1 month = day 31
        }

        await seed.DiaryAsync(patients[0], 0, insulin: 40, lows: 1, severe: 0);
        await seed.DiaryAsync(patients[0], 3, insulin: 44, lows: 3, severe: 0);
        await seed.DiaryAsync(patients[1], 6, insulin: null, lows: 0, severe: 1);
        await seed.DiaryAsync(patients[1], 6, insulin: 50, lows: 0, severe: 0);
        await seed.DiaryAsync(patients[1], 15, insulin: 48.5m, lows: 2, severe: 0);

        var service = new OutcomesService(new OutcomesStore(world.Main.Db), world.Protocols, FollowUpWorld.Instruments);
        var result = await service.ComputeAsync(world.Protocols.Find("t1d-followup")!, CancellationToken.None);

        Assert.That(result.CohortPatients, Is.EqualTo(12));
        var phq9 = result.Instruments.Single(i => i.Definition.Id == "phq9");
        Assert.That(phq9.PatientsWithBaseline, Is.EqualTo(12));
        double[] actualBaseline = [8, 10, 12, 14, 20, 8, 10, 12, 14, 16, 8, 10];
        Check(phq9.Points.Single(p => p.Point.Key == "phq9@d14"), [-6, -5, -4, -3, -4, 2, 4, 5, 6, -1, -8, 3], actualBaseline, (3, 7, 2));
        Check(phq9.Points.Single(p => p.Point.Key == "phq9@d28"), [-7, -6, -5, -4, -7, -2, -1, 0, 1, 2], actualBaseline[..10], (4, 6, 0));
        Assert.That(phq9.Points.Single(p => p.Point.Key == "phq9@d42").N, Is.Zero);

        // WHO-5: higher is better, so a rise of 10 or more is an improvement.
        var who5 = result.Instruments.Single(i => i.Definition.Id == "who5");
        Check(who5.Points.Single(p => p.Point.Key == "who5@m1"), [16, -4, 0, 12, -12], [40, 52, 60, 28, 72], (2, 2, 1));

        var gad7 = result.Instruments.Single(i => i.Definition.Id == "gad7");
        Assert.That((gad7.PatientsWithBaseline, gad7.Points.Sum(p => p.N), gad7.Trajectories.Count), Is.EqualTo((0, 0, 1)));
        Assert.That(phq9.Trajectories[patients[4]].Select(t => (t.Day, t.Total)), Is.EqualTo(new[] { (-2, 20m), (1, 16m), (15, 16m), (29, 13m) }));

        // Diary week 0: patient 0 averages 42 units, patient 1 50 (the unanswered one does not count); lows 2 and 0.
        var week0 = result.Diary.Single(w => w.Week == 0);
        Assert.That((week0.Diaries, week0.Patients, week0.SevereLowDiaries), Is.EqualTo((4, 2, 1)));
        Assert.That(week0.InsulinUnits!.Mean, Is.EqualTo(46).Within(1e-9));
        Assert.That(week0.InsulinUnits.Sd, Is.EqualTo(Math.Sqrt(32)).Within(1e-9));
        Assert.That(week0.LowGlucoseEpisodes!.Mean, Is.EqualTo(1).Within(1e-9));
        var week2 = result.Diary.Single(w => w.Week == 2);
        Assert.That((week2.Patients, week2.InsulinUnits!.Mean, week2.InsulinUnits.CiLow), Is.EqualTo((1, 48.5, (double?)null)));

        var file = await OutcomesReport.RenderAsync(
            EmptyServices.Instance, NullLoggerFactory.Instance, result, new AlertSummaryResponse(null, [new AlertRuleSummary("critical_item", 3, 2, 1, 1.5, 20, 2)]), null, DateTimeOffset.UtcNow);
        var report = PageRender.Read(file);
        Assert.That(report.QuerySelector("#statement")!.TextContent, Does.Contain(OutcomesReport.Statement));
        Assert.That(report.QuerySelectorAll("script"), Is.Empty);
        var d14Row = report.QuerySelector("tr[data-step='phq9@d14']")!;
        Assert.That(d14Row.QuerySelector("td[data-n]")!.TextContent, Is.EqualTo("12"));
        Assert.That(d14Row.QuerySelector("td[data-improved]")!.TextContent, Is.EqualTo("3 (25.0%)"));
        Assert.That(d14Row.QuerySelector("td[data-worsened]")!.TextContent, Is.EqualTo("2 (16.7%)"));
        var (mean, low, high, _) = Expected([-6, -5, -4, -3, -4, 2, 4, 5, 6, -1, -8, 3]);
        Assert.That(d14Row.QuerySelector("td[data-change]")!.TextContent, Is.EqualTo($"{mean:0.00} ({low:0.00} to {high:0.00})".Replace(",", ".", StringComparison.Ordinal)));
        Assert.That(report.QuerySelector("#change-chart-phq9-title")!.TextContent, Does.StartWith("Patient Health Questionnaire-9 (PHQ-9): mean change from baseline"));
        Assert.That(report.QuerySelectorAll("svg circle.chart-point"), Is.Not.Empty);
        Assert.That(report.QuerySelectorAll("svg text").Select(t => t.TextContent), Does.Contain("no change").And.Contain("worse by the MID"), "a chart's labels");
        Assert.That(report.QuerySelector("#alert-rules th[scope=row]")!.TextContent, Is.EqualTo("critical item"));

        // One self-contained file: the stylesheet inline (print rules too), allowed by its hash and nothing external.
        Assert.That(report.QuerySelectorAll("link, [src]"), Is.Empty);
        var style = report.QuerySelector("head style")!.TextContent;
        Assert.That(style, Does.Contain("@media print"));
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(style)));
        Assert.That(report.QuerySelector("meta[http-equiv='Content-Security-Policy']")!.GetAttribute("content"),
            Is.EqualTo($"default-src 'none'; style-src 'sha256-{hash}'; img-src data:"));
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }

    /// <summary>Mean and 95% CI by hand; <c>Tolerance</c> covers the table's rounding of t (±0.0005) times the standard error.</summary>
    private static (double Mean, double Low, double High, double Tolerance) Expected(double[] deltas)
    {
        var n = deltas.Length;
        var mean = deltas.Sum() / n;
        var variance = 0.0;
        foreach (var d in deltas)
        {
            variance += (d - mean) * (d - mean);
        }

        var standardError = Math.Sqrt(variance / (n - 1)) / Math.Sqrt(n);
        var half = T975[n - 1] * standardError;
        return (mean, mean - half, mean + half, 0.0005 * standardError);
    }

    private static void Check(ChangeAtPoint point, double[] deltas, double[] baselines, (int Improved, int Unchanged, int Worsened) shares)
    {
        var (mean, low, high, tolerance) = Expected(deltas);
        Assert.Multiple(() =>
        {
            Assert.That(point.N, Is.EqualTo(deltas.Length), point.Point.Key);
            Assert.That(point.Change!.Mean, Is.EqualTo(mean).Within(1e-9));
            Assert.That(point.Change.CiLow!.Value, Is.EqualTo(low).Within(tolerance));
            Assert.That(point.Change.CiHigh!.Value, Is.EqualTo(high).Within(tolerance));
            Assert.That(point.MeanBaseline!.Value, Is.EqualTo(baselines.Average()).Within(1e-9));
            Assert.That(point.MeanFollowUp!.Value, Is.EqualTo(baselines.Average() + mean).Within(1e-9));
            Assert.That((point.Improved, point.Unchanged, point.Worsened), Is.EqualTo(shares), point.Point.Key);
        });
    }

    /// <summary>Invitations, submissions and scores written with intake's own store methods, as the running service writes them.</summary>
    private sealed class Seeder(FollowUpWorld world)
    {
        private static DateTimeOffset At(int day) => new DateTimeOffset(Index.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero).AddDays(day);

        public async Task ScheduledAsync(Guid patient, string instrument, string step, int day, decimal total)
        {
            var id = Guid.NewGuid();
            var issued = At(day).AddHours(-1);
            Assert.That(await world.Main.Schedule.IssueScheduledAsync(new ScheduledInvitation(
                id, patient, FollowUpScheduler.ScheduleKey(patient, "t1d-followup", step), instrument, "1.0.0", issued, issued, issued.AddDays(7), "",
                Guid.NewGuid().ToString("N"), "protected"), CancellationToken.None), Is.True);
            await SubmitAsync(id, patient, instrument, day, total, new Dictionary<string, decimal?>());
        }

        public async Task AdHocAsync(Guid patient, string instrument, int day, decimal total)
        {
            var id = Guid.NewGuid();
            await world.Main.Invitations.CreateInvitationAsync(
                new Invitation(id, patient, instrument, "1.0.0", At(day).AddHours(-1), At(day).AddDays(7), null), Guid.NewGuid().ToString("N"), CancellationToken.None);
            await SubmitAsync(id, patient, instrument, day, total, new Dictionary<string, decimal?>());
        }

        public async Task DiaryAsync(Guid patient, int day, decimal? insulin, int lows, int severe)
        {
            var id = Guid.NewGuid();
            await world.Main.Invitations.CreateInvitationAsync(
                new Invitation(id, patient, "t1d_diary", "1.0.0", At(day).AddHours(-1), At(day).AddDays(1), null), Guid.NewGuid().ToString("N"), CancellationToken.None);
            await SubmitAsync(id, patient, "t1d_diary", day, null, new Dictionary<string, decimal?> { ["11"] = lows, ["12"] = severe, ["13"] = insulin });
        }

        private async Task SubmitAsync(Guid invitation, Guid patient, string instrument, int day, decimal? total, Dictionary<string, decimal?> answers)
        {
            var submission = Guid.NewGuid();
            var at = At(day);
            Assert.That(await world.Main.Submissions.AcceptSubmissionAsync(
                new SurveySubmitted(submission, invitation, patient, instrument, "1.0.0", answers, at), CancellationToken.None), Is.EqualTo(AcceptOutcome.Accepted));
            await world.Main.Submissions.MarkScoredAsync(new SurveyScored(
                submission, patient, instrument, "1.0.0", "scored", total, null, false, [], new Dictionary<string, decimal>(), new Dictionary<string, decimal>(), at, at.AddMinutes(1)),
                CancellationToken.None);
        }
    }
}
