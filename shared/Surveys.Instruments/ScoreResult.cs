namespace Surveys.Instruments;

public enum ScoreStatus
{
    /// <summary>Complete enough to score (possibly prorated); for a form without a total: every required item answered.</summary>
    Scored,
    /// <summary>Too many items unanswered; Total and Band are null, flags are still reported.</summary>
    Incomplete,
    /// <summary>Unknown instrument or version, unknown item, value out of range or not allowed; see Errors.</summary>
    Invalid,
}

/// <summary>One fault in the answers; <see cref="Item"/> is null when it concerns the whole request.</summary>
public sealed record AnswerError(string? Item, string Message)
{
    /// <summary>True when the fault is a question left unanswered (or no answer at all), not a value that cannot be taken.</summary>
    public bool Unanswered { get; init; }
}

public sealed record ScoreResult
{
    internal static readonly IReadOnlyList<string> NoStrings = [];
    internal static readonly IReadOnlyDictionary<string, decimal> NoValues = new Dictionary<string, decimal>(0);
    internal static readonly IReadOnlyList<AnswerError> NoErrors = [];

    public required string Instrument { get; init; }
    /// <summary>The definition version used; null when the instrument or version is unknown.</summary>
    public string? Version { get; init; }
    public required ScoreStatus Status { get; init; }
    /// <summary>The instrument's total (after multiplier and proration); null unless Scored, and for forms without a total.</summary>
    public decimal? Total { get; init; }
    /// <summary>Sum of the answered scored items, before multiplier and proration (WHO-5: 0–25); null unless Scored.</summary>
    public decimal? RawScore { get; init; }
    public string? Band { get; init; }
    /// <summary>True when one or more scored items were missing (within the allowance) and the total was prorated.</summary>
    public bool Prorated { get; init; }
    /// <summary>Flags raised by the definition's flag rules, from whatever was validly answered (also when Incomplete).</summary>
    public IReadOnlyList<string> Flags { get; init; } = NoStrings;
    /// <summary>Subscores (e.g. "phq2") whose items are all answered.</summary>
    public IReadOnlyDictionary<string, decimal> Subscores { get; init; } = NoValues;
    /// <summary>Scored items whose answer meets the definition's problem-area threshold (PAID-20: 3 or 4), in item order.</summary>
    public IReadOnlyList<string> ProblemAreas { get; init; } = NoStrings;
    /// <summary>For definitions that report item grades (the diary): every answered item and its value.</summary>
    public IReadOnlyDictionary<string, decimal> ItemGrades { get; init; } = NoValues;
    /// <summary>Required or scored items left unanswered, in item order.</summary>
    public IReadOnlyList<string> MissingItems { get; init; } = NoStrings;
    /// <summary>Non-empty only when Invalid.</summary>
    public IReadOnlyList<AnswerError> Errors { get; init; } = NoErrors;
    /// <summary>One readable sentence when Invalid.</summary>
    public string? Error { get; init; }
}
