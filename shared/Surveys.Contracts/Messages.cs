namespace Surveys.Contracts;

// Every message carries the pseudonymous patient id only: never a name or a contact detail.
// Every message names the instrument id and the definition version it was answered or scored with.

/// <summary>A patient's answers, accepted and stored by intake.</summary>
/// <param name="Answers">Item id to answer; an unanswered item is absent or null.</param>
public sealed record SurveySubmitted(
    Guid SubmissionId,
    Guid InvitationId,
    Guid PatientId,
    string Instrument,
    string DefinitionVersion,
    IReadOnlyDictionary<string, decimal?> Answers,
    DateTimeOffset SubmittedAt);

/// <summary>The result of scoring one submission with the instrument's definition.</summary>
/// <param name="Status">scored, incomplete or invalid.</param>
/// <param name="ItemGrades">Answered items, where they matter to rules (the diary's symptom grades).</param>
/// <param name="Answers">The answers as given (item id to value), so nurses can see what triggered an alert.</param>
public sealed record SurveyScored(
    Guid SubmissionId,
    Guid PatientId,
    string Instrument,
    string DefinitionVersion,
    string Status,
    decimal? Total,
    string? Band,
    bool Prorated,
    IReadOnlyList<string> Flags,
    IReadOnlyDictionary<string, decimal> Subscores,
    IReadOnlyDictionary<string, decimal> ItemGrades,
    DateTimeOffset SubmittedAt,
    DateTimeOffset ScoredAt,
    IReadOnlyDictionary<string, decimal?>? Answers = null);

/// <summary>An alert for nurses was raised from a scored submission.</summary>
/// <param name="Severity">urgent, high or routine.</param>
/// <param name="Reason">Plain words a nurse can act on, without the patient's name.</param>
public sealed record PatientAlertRaised(
    Guid AlertId,
    Guid PatientId,
    Guid SubmissionId,
    string Instrument,
    string DefinitionVersion,
    string Rule,
    string Severity,
    string Reason,
    DateTimeOffset RaisedAt);

/// <summary>A scheduled invitation closed unanswered (the notifier counts missed surveys).</summary>
public sealed record InvitationExpired(
    Guid InvitationId,
    Guid PatientId,
    string Instrument,
    string DefinitionVersion,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiredAt);
