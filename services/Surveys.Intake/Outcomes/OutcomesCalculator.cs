using System.Globalization;
using System.Text.Json;
using Surveys.Instruments;
using Surveys.Intake.Research;
using Surveys.Intake.Scheduling;

namespace Surveys.Intake.Outcomes;

/// <summary>A planned follow-up time point of one instrument in the protocol (e.g. PHQ-9 day 14, Gold month 3).</summary>
public sealed record FollowUpPoint(ProtocolOccurrence Occurrence)
{
    public string Key => Occurrence.Key;

    public bool IsBaseline => Occurrence.Day is 0 || Occurrence.Month is 0;

    /// <summary>For placing the point on a time axis: days, with a month as 365.25 / 12 days.</summary>
    public double NominalDay => Occurrence.Month is { } m ? m * 365.25 / 12 : Occurrence.Day ?? 0;

    public string Label => IsBaseline ? "Baseline" : Occurrence.Month is { } m
        ? string.Create(CultureInfo.InvariantCulture, $"Month {m}")
        : string.Create(CultureInfo.InvariantCulture, $"Day {Occurrence.Day}");
}

/// <summary>Change from baseline at one follow-up point, over the patients who have both.</summary>
/// <param name="Change">Mean change (follow-up minus baseline, in the instrument's points), SD and 95% CI; null when n = 0.</param>
public sealed record ChangeAtPoint(FollowUpPoint Point, Statistics.MeanSummary? Change, double? MeanBaseline, double? MeanFollowUp, int Improved, int Unchanged, int Worsened)
{
    public int N => Change?.N ?? 0;
}

public sealed record TrajectoryPoint(int Day, decimal Total);

public sealed record InstrumentOutcome(
    InstrumentDefinition Definition, int PatientsWithBaseline, IReadOnlyList<ChangeAtPoint> Points, IReadOnlyDictionary<Guid, IReadOnlyList<TrajectoryPoint>> Trajectories);

/// <summary>One week of diaries: per-patient means first (each patient counts once), then the cohort's mean of them.</summary>
public sealed record DiaryWeek(int Week, int Diaries, int Patients, Statistics.MeanSummary? InsulinUnits, Statistics.MeanSummary? LowGlucoseEpisodes, int SevereLowDiaries);

public sealed record OutcomesResult(FollowUpProtocol Protocol, int CohortPatients, IReadOnlyList<InstrumentOutcome> Instruments, IReadOnlyList<DiaryWeek> Diary);

/// <summary>
/// The outcomes report's numbers, computed from the cohort's submissions. A submission belongs to the protocol
/// step its scheduled invitation was issued for (the schedule key); a submission by an ad-hoc invitation belongs to
/// the nearest step of its instrument within <see cref="WindowDays"/> days of that step's due date, else to none.
/// Baseline is the patient's earliest scored submission of the instrument that belongs to the baseline step (day 0
/// or month 0) or was made on or before the index date. At each later step, a patient's change is the earliest
/// submission belonging to it minus their baseline. Improved/worsened means by at least the instrument's minimal
/// important difference (scoring.mcid) in the better/worse direction (scoring.direction); unchanged otherwise.
/// </summary>
public static class OutcomesCalculator
{
    public const int WindowDays = 7;
    public const string Diary = "t1d_diary";

    /// <summary>Diary items (shared/Surveys.Instruments/definitions/t1d_diary.json): low-glucose episodes, one needing help, daily insulin units.</summary>
    public const string LowGlucoseItem = "11";
    public const string SevereLowItem = "12";
    public const string InsulinItem = "13";

    private sealed record Observation(Guid PatientId, int Day, decimal Total, FollowUpPoint? Point);

    public static OutcomesResult Compute(
        FollowUpProtocol protocol, InstrumentCatalog instruments, int cohortPatients, IReadOnlyList<CohortSubmission> totals, IReadOnlyList<CohortSubmission> diaries)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(instruments);
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(diaries);
        var days = new StudyDay();
        var outcomes = new List<InstrumentOutcome>();
        foreach (var id in protocol.Occurrences.Select(o => o.Instrument).Distinct(StringComparer.Ordinal))
        {
            var definition = instruments.Find(id);
            if (definition is null || definition.Scoring.Method != ScoringMethod.Sum)
            {
                continue;
            }

            var points = protocol.Occurrences.Where(o => o.Instrument == id).Select(o => new FollowUpPoint(o)).OrderBy(p => p.NominalDay).ToList();
            var observations = totals.Where(t => t.Instrument == id)
                .Select(t => Observe(t, protocol, points, days))
                .OrderBy(o => o.PatientId).ThenBy(o => o.Day)
                .ToList();
            outcomes.Add(Summarise(definition, points, observations));
        }

        return new OutcomesResult(protocol, cohortPatients, outcomes, SummariseDiaries(diaries, days));
    }

    private static Observation Observe(CohortSubmission row, FollowUpProtocol protocol, IReadOnlyList<FollowUpPoint> points, StudyDay days)
    {
        var day = days.DaysSinceIndex(row.SubmittedAt, row.IndexDate, row.TimeZone) ?? throw new InvalidOperationException("A cohort patient has no readable index date.");
        var total = decimal.Parse(row.Total!, NumberStyles.Number, CultureInfo.InvariantCulture);
        var parts = row.ScheduleKey?.Split('/');
        var point = parts is [_, var protocolId, var step] && protocolId == protocol.Id
            ? points.FirstOrDefault(p => p.Key == step)
            : null;
        if (point is null && row.ScheduleKey is null)
        {
            var index = DateOnly.ParseExact(row.IndexDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            point = points
                .Select(p => (Point: p, Offset: p.Occurrence.DueDate(index).DayNumber - index.DayNumber))
                .Where(p => Math.Abs(day - p.Offset) <= WindowDays)
                .OrderBy(p => Math.Abs(day - p.Offset)).ThenBy(p => p.Offset)
                .Select(p => p.Point)
                .FirstOrDefault();
        }

        return new Observation(row.PatientId, day, total, point);
    }

    private static InstrumentOutcome Summarise(InstrumentDefinition definition, IReadOnlyList<FollowUpPoint> points, IReadOnlyList<Observation> observations)
    {
        var byPatient = observations.GroupBy(o => o.PatientId).ToDictionary(g => g.Key, g => g.ToList());
        var baselines = new Dictionary<Guid, Observation>();
        foreach (var (patient, list) in byPatient)
        {
            if (list.FirstOrDefault(o => o.Point?.IsBaseline == true || o.Day <= 0) is { } baseline)
            {
                baselines[patient] = baseline;
            }
        }

        var mid = definition.Scoring.Mcid;
        var better = definition.Scoring.Direction == ScoreDirection.HigherIsBetter ? 1 : -1;
        var changes = new List<ChangeAtPoint>();
        foreach (var point in points.Where(p => !p.IsBaseline))
        {
            var pairs = baselines
                .Select(b => (Baseline: b.Value, FollowUp: byPatient[b.Key].FirstOrDefault(o => o.Point == point && !ReferenceEquals(o, b.Value))))
                .Where(p => p.FollowUp is not null)
                .ToList();
            var deltas = pairs.Select(p => p.FollowUp!.Total - p.Baseline.Total).ToList();
            int improved = 0, worsened = 0;
            if (mid is { } m)
            {
                improved = deltas.Count(d => d * better >= m);
                worsened = deltas.Count(d => -d * better >= m);
            }

            changes.Add(new ChangeAtPoint(
                point,
                Statistics.Summarise(deltas.Select(d => (double)d).ToList()),
                pairs.Count == 0 ? null : pairs.Average(p => (double)p.Baseline.Total),
                pairs.Count == 0 ? null : pairs.Average(p => (double)p.FollowUp!.Total),
                improved,
                mid is null ? 0 : deltas.Count - improved - worsened,
                worsened));
        }

        var trajectories = byPatient.ToDictionary(p => p.Key, p => (IReadOnlyList<TrajectoryPoint>)p.Value.Select(o => new TrajectoryPoint(o.Day, o.Total)).ToList());
        return new InstrumentOutcome(definition, baselines.Count, changes, trajectories);
    }

    private static List<DiaryWeek> SummariseDiaries(IReadOnlyList<CohortSubmission> diaries, StudyDay days)
    {
        var entries = diaries
            .Select(d => (d.PatientId, Day: days.DaysSinceIndex(d.SubmittedAt, d.IndexDate, d.TimeZone), Answers: JsonSerializer.Deserialize<Dictionary<string, decimal?>>(d.Answers) ?? []))
            .Where(e => e.Day >= 0)
            .Select(e => (e.PatientId, Week: e.Day!.Value / 7, Insulin: e.Answers.GetValueOrDefault(InsulinItem), Lows: e.Answers.GetValueOrDefault(LowGlucoseItem),
                Severe: e.Answers.GetValueOrDefault(SevereLowItem) == 1))
            .ToList();
        static List<double> PerPatientMeans<T>(IEnumerable<IGrouping<Guid, T>> patients, Func<T, decimal?> value) =>
            patients.Select(p => p.Select(value).Where(v => v is not null).Select(v => (double)v!.Value).ToList())
                .Where(v => v.Count > 0).Select(v => v.Average()).ToList();
        return entries.GroupBy(e => e.Week).OrderBy(w => w.Key).Select(week =>
        {
            var patients = week.GroupBy(e => e.PatientId).ToList();
            return new DiaryWeek(week.Key, week.Count(), patients.Count,
                Statistics.Summarise(PerPatientMeans(patients, e => e.Insulin)),
                Statistics.Summarise(PerPatientMeans(patients, e => e.Lows)),
                week.Count(e => e.Severe));
        }).ToList();
    }
}
