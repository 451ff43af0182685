using System.Globalization;
using Surveys.Contracts;
using Surveys.Instruments;
using Surveys.Hosting.Messaging;

namespace Surveys.Notifier.Alerts;

/// <summary>
/// One rule's finding for one submission, with the evidence a nurse needs to judge it. <see cref="Finding"/> tells
/// apart the findings of one rule that are separate alerts: the flag's name for critical items, empty otherwise.
/// </summary>
public sealed record AlertCandidate(string Rule, string Severity, string Reason, IReadOnlyDictionary<string, object?> Details)
{
    public string Finding { get; init; } = string.Empty;
}

/// <summary>
/// The patient's first scored result for an instrument, which later results are compared with, and the best results
/// before this one: <see cref="Best"/> (the lowest total when higher is worse, the highest when higher is better) and
/// <see cref="BestItemGrades"/> (each item's lowest grade). Without them, the first result is taken as the best.
/// </summary>
public sealed record Baseline(Guid SubmissionId, decimal? Total, IReadOnlyDictionary<string, decimal> ItemGrades, DateTimeOffset SubmittedAt)
{
    public BestResult? Best { get; init; }

    public IReadOnlyDictionary<string, decimal>? BestItemGrades { get; init; }
}

/// <summary>The best total so far and the submission it came from.</summary>
public sealed record BestResult(Guid SubmissionId, decimal Total, DateTimeOffset SubmittedAt);

/// <summary>A scheduled invitation that closed unanswered.</summary>
public sealed record MissedSurvey(Guid InvitationId, string Instrument, DateTimeOffset IssuedAt);

/// <summary>
/// Decides which alerts a result raises, from the thresholds and differences in the instrument's
/// definition (its <c>alerting</c> section), never from numbers in code. Decision support for nurses,
/// not a diagnosis: each finding says in plain words what was seen and compared, so a person can judge it.
/// </summary>
public sealed class AlertRules(InstrumentCatalog catalog)
{
    public const string CriticalItem = "critical_item";
    public const string SevereBand = "severe_band";
    public const string WorseThanBaseline = "worse_than_baseline";
    public const string MissedSurveys = "missed_surveys";

    public const string Urgent = "urgent";
    public const string High = "high";
    public const string Routine = "routine";

    /// <summary>Severities in rising order.</summary>
    public static int Rank(string severity) => severity switch
    {
        Urgent => 3,
        High => 2,
        _ => 1,
    };

    public InstrumentDefinition Definition(string instrument, string version) =>
        catalog.Find(instrument, version)
            ?? throw new UnprocessableMessageException($"Unknown instrument '{instrument}' version '{version}': the notifier has no such definition loaded.");

    /// <summary>The instrument's short name for messages: "PHQ-9", "GAD-7", "Gold score".</summary>
    public static string ShortName(InstrumentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var title = definition.Title.En;
        var open = title.LastIndexOf(" (", StringComparison.Ordinal);
        if (open < 0 || !title.EndsWith(')'))
        {
            return title;
        }

        var inner = title[(open + 2)..^1];
        return inner.Contains(' ', StringComparison.Ordinal) ? title[..open] : inner;
    }

    /// <param name="baseline">The patient's earlier first scored result for this instrument; null for a first-ever submission.</param>
    public IReadOnlyList<AlertCandidate> Evaluate(SurveyScored scored, Baseline? baseline)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var definition = Definition(scored.Instrument, scored.DefinitionVersion);
        var alerting = definition.Alerting;
        var name = ShortName(definition);
        var answers = scored.Answers ?? new Dictionary<string, decimal?>();
        var alerts = new List<AlertCandidate>();

        // 1. Critical items: whenever a flag is raised, complete form or not; each flag is its own alert, at the
        //    definition's severity for it.
        foreach (var flag in alerting.Flags.Where(scored.Flags.Contains))
        {
            var items = definition.Scoring.Flags.Where(f => f.Name == flag).SelectMany(f => f.When).SelectMany(c => c.Items).Distinct().ToList();
            alerts.Add(new AlertCandidate(CriticalItem, alerting.SeverityOf(flag), $"{name}: {Describe(definition, flag)}.",
                Details(scored, ("flags", new[] { flag }), ("answers", Answered(definition, answers, items))))
            { Finding = flag });
        }

        // 2. Severe range: the total of a scored form, or any graded item, at or beyond the severe threshold.
        var severe = new List<string>();
        var severeItems = new List<string>();
        if (scored.Status == "scored" && scored.Total is { } total && alerting.Severe is { } rule && rule.Total.IsMet(total))
        {
            severe.Add(Invariant($"total {total} is in the {string.Join("/", rule.Bands)} range ({rule.Total})"));
        }

        foreach (var itemRule in alerting.Items.Where(r => r.Severe is not null))
        {
            foreach (var item in itemRule.Items.Where(i => scored.ItemGrades.TryGetValue(i, out var grade) && itemRule.Severe!.IsMet(grade)))
            {
                severe.Add(Invariant($"'{ItemText(definition, item)}' graded {scored.ItemGrades[item]} ({itemRule.Severe})"));
                severeItems.Add(item);
            }
        }

        if (severe.Count > 0)
        {
            alerts.Add(new AlertCandidate(SevereBand, High, $"{name}: {string.Join("; ", severe)}.",
                Details(scored, ("total", scored.Total), ("band", scored.Band), ("answers", Answered(definition, answers, severeItems)))));
        }

        // 3. Worse than baseline: by at least the minimal clinically important difference, and in a relevant range,
        //    compared with the first result and with the best so far (a relapse after improvement counts).
        if (baseline is not null && baseline.SubmissionId != scored.SubmissionId)
        {
            if (scored.Status == "scored" && scored.Total is { } current && baseline.Total is { } first
                && alerting.WorseThanBaseline is { } worsening && (alerting.Relevant is null || alerting.Relevant.IsMet(current)))
            {
                var best = baseline.Best is { } b && Better(definition, b.Total, first) ? b : null; // only when better than the first result
                var from = best?.Total ?? first;
                if (worsening.IsWorse(from, current))
                {
                    var change = current - from;
                    var verb = change >= 0 ? "rose" : "fell";
                    var since = best is null ? Invariant($"from {first} at baseline") : Invariant($"from {best.Total}, the best so far,");
                    var also = best is null ? string.Empty : Invariant($" The first result was {first}.");
                    alerts.Add(new AlertCandidate(WorseThanBaseline, High,
                        Invariant($"{name} {verb} {since} to {current}: {Signed(change)}, threshold {Signed(worsening.TotalChange)}{(alerting.Relevant is null ? string.Empty : $", and {current} is {alerting.Relevant.InWords()}")}.{also}"),
                        Details(scored, ("baseline", first), ("baselineSubmissionId", baseline.SubmissionId), ("baselineAt", baseline.SubmittedAt),
                            ("best", best?.Total), ("bestSubmissionId", best?.SubmissionId), ("bestAt", best?.SubmittedAt), ("current", current), ("change", change))));
                }
            }

            var worse = new List<string>();
            var worseItems = new List<string>();
            foreach (var itemRule in alerting.Items.Where(r => r.WorseThanBaseline is not null))
            {
                foreach (var item in itemRule.Items)
                {
                    if (!scored.ItemGrades.TryGetValue(item, out var grade))
                    {
                        continue;
                    }

                    // A diary grade: the lower the better; the best so far counts when it is better than the first.
                    var firstGrade = baseline.ItemGrades.TryGetValue(item, out var f) ? f : (decimal?)null;
                    var bestGrade = baseline.BestItemGrades is { } bests && bests.TryGetValue(item, out var b) && (firstGrade is null || b < firstGrade) ? b : (decimal?)null;
                    if ((bestGrade ?? firstGrade) is { } from && itemRule.WorseThanBaseline!.IsWorse(from, grade))
                    {
                        worse.Add(bestGrade is null
                            ? Invariant($"'{ItemText(definition, item)}' from {from} at baseline to {grade}")
                            : Invariant($"'{ItemText(definition, item)}' from {from}, the best so far, to {grade}"));
                        worseItems.Add(item);
                    }
                }
            }

            if (worse.Count > 0)
            {
                var itemRule = alerting.Items.First(r => r.WorseThanBaseline is not null).WorseThanBaseline!;
                alerts.Add(new AlertCandidate(WorseThanBaseline, High,
                    Invariant($"{name}: {string.Join("; ", worse)} (threshold: grade {itemRule.MinGrade} or more and {itemRule.MinIncrease} or more above the baseline or the best so far)."),
                    Details(scored, ("baselineSubmissionId", baseline.SubmissionId), ("baselineAt", baseline.SubmittedAt), ("answers", Answered(definition, answers, worseItems)))));
            }
        }

        return alerts;
    }

    /// <summary>
    /// Rule 4: the patient's two most recent scheduled invitations both closed unanswered, with no
    /// submission since the earlier of them was issued.
    /// </summary>
    public static AlertCandidate? EvaluateMissed(IReadOnlyList<MissedSurvey> lastTwoMissed, DateTimeOffset? lastSubmittedAt)
    {
        ArgumentNullException.ThrowIfNull(lastTwoMissed);
        if (lastTwoMissed.Count < 2)
        {
            return null;
        }

        var earlier = lastTwoMissed.MinBy(m => m.IssuedAt)!;
        if (lastSubmittedAt >= earlier.IssuedAt)
        {
            return null;
        }

        var list = string.Join(" and ", lastTwoMissed.OrderBy(m => m.IssuedAt).Select(m => Invariant($"{m.Instrument} sent {m.IssuedAt:yyyy-MM-dd}")));
        return new AlertCandidate(MissedSurveys, Routine, $"Two scheduled surveys in a row were not answered: {list}.",
            new Dictionary<string, object?> { ["missed"] = lastTwoMissed.Select(m => new { m.InvitationId, m.Instrument, m.IssuedAt }).ToList() });
    }

    private static string Describe(InstrumentDefinition definition, string flag)
    {
        var rule = definition.Scoring.Flags.FirstOrDefault(f => f.Name == flag);
        if (rule is null)
        {
            return "a critical answer"; // plain words: the flag's code means nothing to a nurse
        }

        var conditions = rule.When.Select(c =>
        {
            var items = string.Join(", ", c.Items.Select(i => $"item {i} ('{ItemText(definition, i)}')"));
            var count = c.MinCount > 1 ? Invariant($"{c.MinCount} or more of ") : c.Items.Count > 1 ? "any of " : string.Empty;
            return $"{count}{items} answered {c.Test.InWords()}";
        });
        return string.Join(", or ", conditions);
    }

    private static bool Better(InstrumentDefinition definition, decimal total, decimal than) =>
        definition.Scoring.Direction == ScoreDirection.HigherIsBetter ? total > than : total < than;

    private static string ItemText(InstrumentDefinition definition, string item) => definition.FindItem(item)?.Text.En ?? item;

    /// <summary>The triggering answers with their question texts and answer labels.</summary>
    private static List<object> Answered(InstrumentDefinition definition, IReadOnlyDictionary<string, decimal?> answers, IEnumerable<string> items) =>
        items.Distinct()
            .Where(i => answers.TryGetValue(i, out var v) && v is not null)
            .Select(i =>
            {
                var item = definition.FindItem(i);
                var value = answers[i]!.Value;
                return (object)new { item = i, question = item?.Text.En ?? i, value, label = item?.Options.FirstOrDefault(o => o.Value == value)?.Label.En };
            })
            .ToList();

    private static Dictionary<string, object?> Details(SurveyScored scored, params (string Key, object? Value)[] values)
    {
        var details = new Dictionary<string, object?> { ["submissionId"] = scored.SubmissionId, ["submittedAt"] = scored.SubmittedAt, ["status"] = scored.Status };
        foreach (var (key, value) in values)
        {
            details[key] = value;
        }

        return details;
    }

    private static string Signed(decimal value) => value >= 0 ? Invariant($"+{value}") : Invariant($"−{-value}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
