namespace Surveys.Instruments;

/// <summary>
/// The alert rules, severities, statuses and outcomes in the words staff read: one list for the notifier's pages and
/// messages and the staff portal. The codes (<c>critical_item</c>, <c>contacted_patient</c>, ...) stay in the APIs.
/// </summary>
public static class AlertWords
{
    /// <summary>The outcomes a nurse records when resolving an alert, in the order they are offered.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Outcomes =
    [
        new("contacted_patient", "Contacted the patient"),
        new("referred", "Referred"),
        new("false_alarm", "False alarm"),
        new("other", "Other"),
    ];

    /// <summary>The alert rules' names.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Rules =
    [
        new("critical_item", "Critical answer"),
        new("severe_band", "Severe range"),
        new("worse_than_baseline", "Worse than baseline"),
        new("missed_surveys", "Missed surveys"),
    ];

    public static string Outcome(string? code) => Name(Outcomes, code);

    public static string Rule(string? code) => Name(Rules, code);

    public static string Severity(string? code) => code switch
    {
        "urgent" => "Urgent",
        "high" => "High",
        "routine" => "Routine",
        _ => code ?? "",
    };

    public static string Status(string? code) => code switch
    {
        "open" => "Waiting for a nurse",
        "acknowledged" => "Acknowledged",
        "resolved" => "Resolved",
        _ => code ?? "",
    };

    /// <summary>The outcomes as a sentence: "Contacted the patient, Referred, False alarm or Other".</summary>
    public static string OutcomeChoices() =>
        string.Join(", ", Outcomes.Take(Outcomes.Count - 1).Select(o => o.Value)) + " or " + Outcomes[^1].Value;

    private static string Name(IReadOnlyList<KeyValuePair<string, string>> names, string? code) =>
        names.FirstOrDefault(n => string.Equals(n.Key, code, StringComparison.Ordinal)).Value ?? code ?? "";
}
