using System.Text.Json;

namespace Surveys.Portal.Patients;

// What intake's and the notifier's JSON APIs return, as the nurse's pages read it.

public sealed record PatientSummary(Guid Id, string? DisplayName, string? ClinicNumber, string? Protocol, DateTimeOffset CreatedAt);

public sealed record PatientList(IReadOnlyList<PatientSummary> Items, int Page, int PageSize, int Total);

public sealed record PatientContact(string Channel, string Address);

public sealed record PatientRecord(
    Guid Id, string? DisplayName, string? ClinicNumber, string Language, string TimeZone, string? IndexDate, string? Protocol, DateTimeOffset CreatedAt,
    IReadOnlyList<PatientContact> Contacts);

public sealed record AnswerText(string Item, string Question, decimal? Value, string Answer);

public sealed record FormAnswers(Guid SubmissionId, string Instrument, string InstrumentTitle, string DefinitionVersion, DateTimeOffset SubmittedAt, IReadOnlyList<AnswerText> Answers);

public sealed record FormList(IReadOnlyList<FormAnswers> Items, int Page, int PageSize, int Total);

/// <summary>One invitation; <see cref="State"/> is open, answered, expired or replaced.</summary>
public sealed record InvitationSummary(Guid Id, string Instrument, string State, DateTimeOffset IssuedAt, DateTimeOffset? DueAt, DateTimeOffset ExpiresAt, DateTimeOffset? AnsweredAt);

public sealed record AlertView(
    Guid Id, Guid PatientId, string Instrument, string Rule, string Severity, string Status, string Reason, DateTimeOffset CreatedAt,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, DateTimeOffset? ResolvedAt, string? ResolvedBy, string? Outcome, string? Note,
    DateTimeOffset LatestEvidenceAt, bool NewEvidenceSinceAcknowledged, DateTimeOffset? PastLastLevelAt = null);

public sealed record EvidenceView(string Severity, string Reason, JsonElement Details, DateTimeOffset At);

public sealed record AlertDetails(AlertView Alert, IReadOnlyList<EvidenceView> Evidence);

public sealed record ScoreEntry(Guid SubmissionId, string Instrument, string DefinitionVersion, string Status, decimal? Total, string? Band, DateTimeOffset SubmittedAt);
