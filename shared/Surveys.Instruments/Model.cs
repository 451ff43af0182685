using System.Collections;
using System.Globalization;

namespace Surveys.Instruments;

/// <summary>Text in one or more languages, keyed by language code (e.g. "en"). English is always present.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "A text, not a general-purpose dictionary.")]
public sealed class LocalizedText : IReadOnlyDictionary<string, string>
{
    public const string DefaultLanguage = "en";
    private readonly IReadOnlyDictionary<string, string> _texts;

    public LocalizedText(IReadOnlyDictionary<string, string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        _texts = new Dictionary<string, string>(texts, StringComparer.Ordinal);
    }

    /// <summary>The English text (empty when, unusually, none was given).</summary>
    public string En => _texts.TryGetValue(DefaultLanguage, out var t) ? t : string.Empty;

    /// <summary>The text in <paramref name="language"/>, falling back to English.</summary>
    public string Get(string? language) =>
        language is not null && _texts.TryGetValue(language, out var t) ? t : En;

    public string this[string key] => _texts[key];
    public IEnumerable<string> Keys => _texts.Keys;
    public IEnumerable<string> Values => _texts.Values;
    public int Count => _texts.Count;
    public bool ContainsKey(string key) => _texts.ContainsKey(key);
    public bool TryGetValue(string key, out string value) => _texts.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _texts.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    public override string ToString() => En;
}

public enum ScoringMethod
{
    /// <summary>Total = sum of the scored items × multiplier (prorated within the missing-item allowance).</summary>
    Sum,
    /// <summary>No total and no band (e.g. a diary): only completeness, item grades and flags.</summary>
    None,
}

public enum ScoreDirection { HigherIsWorse, HigherIsBetter }

public enum ComparisonOperator { Ge, Gt, Le, Lt, Eq }

/// <summary>A comparison against a fixed value, e.g. "≥ 20".</summary>
public sealed record Threshold(ComparisonOperator Operator, decimal Value)
{
    public bool IsMet(decimal x) => Operator switch
    {
        ComparisonOperator.Ge => x >= Value,
        ComparisonOperator.Gt => x > Value,
        ComparisonOperator.Le => x <= Value,
        ComparisonOperator.Lt => x < Value,
        _ => x == Value,
    };

    public override string ToString() => Operator switch
    {
        ComparisonOperator.Ge => ">= ",
        ComparisonOperator.Gt => "> ",
        ComparisonOperator.Le => "<= ",
        ComparisonOperator.Lt => "< ",
        _ => "= ",
    } + Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The threshold in words for staff: "at least 1", "more than 9", "at most 3", "less than 4", "exactly 0".</summary>
    public string InWords() => Operator switch
    {
        ComparisonOperator.Ge => "at least ",
        ComparisonOperator.Gt => "more than ",
        ComparisonOperator.Le => "at most ",
        ComparisonOperator.Lt => "less than ",
        _ => "exactly ",
    } + Value.ToString(CultureInfo.InvariantCulture);
}

public sealed record AnswerOption(decimal Value, LocalizedText Label);

public sealed record RecallPeriod(int? Days, LocalizedText Text);

public sealed record ItemDefinition
{
    public required string Id { get; init; }
    public required LocalizedText Text { get; init; }
    /// <summary>Answer options; empty for a numeric entry item (then only Min/Max/Decimals apply).</summary>
    public required IReadOnlyList<AnswerOption> Options { get; init; }
    public required decimal Min { get; init; }
    public required decimal Max { get; init; }
    /// <summary>
    /// Must be answered: every route refuses a form without it (<see cref="ScoringEngine.CheckSubmission"/>). The
    /// scoring engine alone, used for stored and imported answers, still prorates scored items within the allowance.
    /// </summary>
    public required bool Required { get; init; }
    /// <summary>Counts towards the total.</summary>
    public required bool Scored { get; init; }
    /// <summary>Number of decimal places allowed in an answer; 0 = integers only.</summary>
    public required int Decimals { get; init; }
    public bool AllowsDecimals => Decimals > 0;
    public string? Loinc { get; init; }
    /// <summary>Named by scoring.criticalItems (e.g. PHQ-9 item 9): always required (the loader insists), and named as such when missing.</summary>
    public required bool Critical { get; init; }
}

public sealed record MissingItemPolicy
{
    /// <summary>How many scored items may be unanswered; within it the total is prorated.</summary>
    public required int MaxMissing { get; init; }
    /// <summary>Decimal places a prorated total is rounded to (half up / away from zero); equals the scoring precision.</summary>
    public required int RoundingDecimals { get; init; }
    /// <summary>Always half up (away from zero) for these non-negative totals.</summary>
    public MidpointRounding Rounding { get; init; } = MidpointRounding.AwayFromZero;
}

public sealed record ScoreBand(string Name, decimal Min, decimal Max)
{
    public bool Contains(decimal total) => total >= Min && total <= Max;
}

public sealed record SubscoreDefinition(string Id, IReadOnlyList<string> Items);

/// <summary>One answered item compared with a fixed value, e.g. item "16" = 1 (the reading's unit is mmol/L).</summary>
public sealed record ItemTest(string Item, Threshold Test);

/// <summary>
/// Flag condition: at least <see cref="MinCount"/> of <see cref="Items"/> are answered and meet <see cref="Test"/>,
/// and every requirement in <see cref="And"/> holds too (its item answered and meeting its test), e.g. a glucose
/// reading below 3.0 only when its unit is mmol/L.
/// </summary>
public sealed record FlagCondition(IReadOnlyList<string> Items, Threshold Test, int MinCount)
{
    public IReadOnlyList<ItemTest> And { get; init; } = [];
}

/// <summary>A flag is raised when any of its conditions holds. Evaluated on whatever is answered, complete or not.</summary>
public sealed record FlagRule(string Name, IReadOnlyList<FlagCondition> When);

public sealed record ScoringDefinition
{
    public required ScoringMethod Method { get; init; }
    public required IReadOnlyList<string> Items { get; init; }
    public required decimal Multiplier { get; init; }
    /// <summary>Decimal places of the total (0 = integer totals).</summary>
    public required int Precision { get; init; }
    /// <summary>Smallest and largest possible total (null when Method is None).</summary>
    public decimal? TotalMin { get; init; }
    public decimal? TotalMax { get; init; }
    public string? Loinc { get; init; }
    public required MissingItemPolicy Missing { get; init; }
    public required IReadOnlyList<ScoreBand> Bands { get; init; }
    public required ScoreDirection Direction { get; init; }
    /// <summary>Minimal clinically important difference, in total points (a magnitude); null when not defined.</summary>
    public decimal? Mcid { get; init; }
    public required IReadOnlyList<SubscoreDefinition> Subscores { get; init; }
    /// <summary>Scored items whose answer meets this are listed as problem areas (PAID-20: ≥ 3).</summary>
    public Threshold? ProblemAreas { get; init; }
    public required IReadOnlyList<string> CriticalItems { get; init; }
    public required IReadOnlyList<FlagRule> Flags { get; init; }
    /// <summary>Report every answered item's value in ScoreResult.ItemGrades (diary).</summary>
    public required bool ReportItemGrades { get; init; }

    public ScoreBand? BandFor(decimal total)
    {
        foreach (var b in Bands)
        {
            if (b.Contains(total)) return b;
        }
        return null;
    }
}

/// <summary>Total at or beyond which a result is severe (by threshold; <see cref="Bands"/> are the same range as band names).</summary>
public sealed record SevereRule(Threshold Total, IReadOnlyList<string> Bands);

/// <summary>
/// Change from baseline that counts as a worsening. Signed in total points: +5 means an increase of 5 or more
/// (higher is worse); −10 means a fall of 10 or more (higher is better).
/// </summary>
public sealed record WorseningRule(decimal TotalChange)
{
    public bool IsWorse(decimal baseline, decimal current) =>
        TotalChange >= 0 ? current - baseline >= TotalChange : current - baseline <= TotalChange;
}

/// <summary>Per-item worsening: the item's grade is at least MinGrade and at least MinIncrease above its baseline grade.</summary>
public sealed record ItemWorseningRule(decimal MinGrade, decimal MinIncrease)
{
    public bool IsWorse(decimal baseline, decimal current) => current >= MinGrade && current - baseline >= MinIncrease;
}

public sealed record ItemAlertRule(IReadOnlyList<string> Items, Threshold? Severe, ItemWorseningRule? WorseThanBaseline);

/// <summary>The parameters alert rules read from the definition (no alert logic lives in code per instrument).</summary>
public sealed record AlertingDefinition
{
    public static readonly AlertingDefinition Empty = new()
    {
        Flags = [],
        Items = [],
    };

    public SevereRule? Severe { get; init; }
    /// <summary>Total in the clinically relevant range (e.g. PHQ-9 ≥ 10, WHO-5 &lt; 50).</summary>
    public Threshold? Relevant { get; init; }
    public WorseningRule? WorseThanBaseline { get; init; }
    /// <summary>Flags (from scoring.flags) that should raise an alert.</summary>
    public required IReadOnlyList<string> Flags { get; init; }
    /// <summary>Flags whose alert is <see cref="HighSeverity"/> rather than <see cref="UrgentSeverity"/> (from alerting.highFlags).</summary>
    public IReadOnlyList<string> HighFlags { get; init; } = [];
    public required IReadOnlyList<ItemAlertRule> Items { get; init; }

    public const string UrgentSeverity = "urgent";
    public const string HighSeverity = "high";

    /// <summary>The severity of the alert a raised flag calls for: urgent, unless the definition lists it under alerting.highFlags.</summary>
    public string SeverityOf(string flag) => HighFlags.Contains(flag, StringComparer.Ordinal) ? HighSeverity : UrgentSeverity;
}

public sealed record InstrumentDefinition
{
    public required string Id { get; init; }
    public required string Version { get; init; }
    public required LocalizedText Title { get; init; }
    public required string Licence { get; init; }
    public required string Citation { get; init; }
    public string? Notes { get; init; }
    /// <summary>Languages in which every text of this definition exists (always includes "en").</summary>
    public required IReadOnlyList<string> Languages { get; init; }
    /// <summary>LOINC panel code, where one exists.</summary>
    public string? Loinc { get; init; }
    public RecallPeriod? RecallPeriod { get; init; }
    public LocalizedText? Instructions { get; init; }
    public required IReadOnlyList<ItemDefinition> Items { get; init; }
    public required ScoringDefinition Scoring { get; init; }
    public required AlertingDefinition Alerting { get; init; }
    /// <summary>Where the definition was loaded from (e.g. "definitions/phq9.json").</summary>
    public required string Source { get; init; }

    public ItemDefinition? FindItem(string id)
    {
        foreach (var i in Items)
        {
            if (string.Equals(i.Id, id, StringComparison.Ordinal)) return i;
        }
        return null;
    }
}
