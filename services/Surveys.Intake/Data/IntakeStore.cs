using System.Globalization;
using System.Text.Json;
using Dapper;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Data.Outbox;

namespace Surveys.Intake.Data;

public sealed record Invitation(
    Guid Id, Guid PatientId, string Instrument, string DefinitionVersion, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt)
{
    /// <summary>Set when the scheduler expired it unanswered (before <see cref="ExpiresAt"/> passes, the link is still open).</summary>
    public DateTimeOffset? ExpiredAt { get; init; }

    /// <summary>Set when a newer link for the same survey replaced this one.</summary>
    public DateTimeOffset? SupersededAt { get; init; }

    /// <summary>The patient's language for page chrome (en, hi).</summary>
    public string Language { get; init; } = "en";
}

public sealed record SubmissionStatus(
    Guid Id, string Instrument, string DefinitionVersion, DateTimeOffset SubmittedAt, bool Published, string? ScoreStatus, DateTimeOffset? ScoredAt);

public enum AcceptOutcome
{
    Accepted,
    AlreadyUsed,
    Expired,
}

/// <summary>All of intake's SQL: the one data-access layer a second database engine would implement.</summary>
public sealed class IntakeStore(Db db, MessageOutbox outbox)
{
    private sealed class InvitationRow
    {
        public Guid Id { get; set; }
        public Guid PatientId { get; set; }
        public string Instrument { get; set; } = "";
        public string DefinitionVersion { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset ExpiresAt { get; set; }
        public DateTimeOffset? UsedAt { get; set; }
        public DateTimeOffset? ExpiredAt { get; set; }
        public DateTimeOffset? SupersededAt { get; set; }
        public string Language { get; set; } = "en";
    }

    // SQLite has no boolean: Dapper reads the flag as an integer.
    private sealed record SubmissionStatusRow(
        Guid Id, string Instrument, string DefinitionVersion, DateTimeOffset SubmittedAt, long Published, string? ScoreStatus, DateTimeOffset? ScoredAt);

    public async Task CreatePatientAsync(Guid id, DateTimeOffset createdAt, CancellationToken ct)
    {
        await db.ExecuteAsync("INSERT INTO patients (id, created_at) VALUES (@id, @createdAt)", new { id, createdAt }, ct);
    }

    public async Task<bool> PatientExistsAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT COUNT(*) FROM patients WHERE id = @id", new { id }, cancellationToken: ct)) > 0;
    }

    public async Task CreateInvitationAsync(Invitation invitation, string tokenHash, CancellationToken ct)
    {
        await db.ExecuteAsync(
            """
            INSERT INTO invitations (id, patient_id, instrument, definition_version, token_hash, created_at, expires_at)
            VALUES (@Id, @PatientId, @Instrument, @DefinitionVersion, @tokenHash, @CreatedAt, @ExpiresAt)
            """,
            new { invitation.Id, invitation.PatientId, invitation.Instrument, invitation.DefinitionVersion, tokenHash, invitation.CreatedAt, invitation.ExpiresAt }, ct);
    }

    public async Task<Invitation?> FindInvitationAsync(string tokenHash, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<InvitationRow>(new CommandDefinition(
            """
            SELECT i.id AS Id, i.patient_id AS PatientId, i.instrument AS Instrument, i.definition_version AS DefinitionVersion,
                   i.created_at AS CreatedAt, i.expires_at AS ExpiresAt, i.used_at AS UsedAt,
                   i.expired_at AS ExpiredAt, i.superseded_at AS SupersededAt, p.language AS Language
            FROM invitations i JOIN patients p ON p.id = i.patient_id
            WHERE i.token_hash = @tokenHash
            """,
            new { tokenHash },
            cancellationToken: ct));
        return row is null ? null : new Invitation(row.Id, row.PatientId, row.Instrument, row.DefinitionVersion, row.CreatedAt, row.ExpiresAt, row.UsedAt)
        {
            ExpiredAt = row.ExpiredAt,
            SupersededAt = row.SupersededAt,
            Language = row.Language,
        };
    }

    /// <summary>
    /// Claims the invitation, stores the submission and its <see cref="SurveySubmitted"/> message in one
    /// transaction: either all three happen or none does.
    /// </summary>
    public async Task<AcceptOutcome> AcceptSubmissionAsync(SurveySubmitted submitted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        var outcome = await db.WriteAsync(async (connection, transaction) =>
        {
            var claimed = await connection.ExecuteAsync(
                """
                UPDATE invitations SET used_at = @SubmittedAt
                WHERE id = @InvitationId AND used_at IS NULL AND expired_at IS NULL AND superseded_at IS NULL AND expires_at > @SubmittedAt
                """,
                new { submitted.InvitationId, submitted.SubmittedAt },
                transaction);
            if (claimed == 0)
            {
                var usedAt = await connection.ExecuteScalarAsync<DateTimeOffset?>(
                    "SELECT used_at FROM invitations WHERE id = @InvitationId", new { submitted.InvitationId }, transaction);
                return usedAt is null ? AcceptOutcome.Expired : AcceptOutcome.AlreadyUsed;
            }

            await connection.ExecuteAsync("DELETE FROM survey_drafts WHERE invitation_id = @InvitationId", new { submitted.InvitationId }, transaction);
            var messageId = await outbox.EnqueueAsync(connection, transaction, submitted);
            await connection.ExecuteAsync(
                """
                INSERT INTO submissions (id, invitation_id, patient_id, instrument, definition_version, answers, submitted_at, outbox_message_id)
                VALUES (@SubmissionId, @InvitationId, @PatientId, @Instrument, @DefinitionVersion, @Answers, @SubmittedAt, @messageId)
                """,
                new
                {
                    submitted.SubmissionId, submitted.InvitationId, submitted.PatientId, submitted.Instrument, submitted.DefinitionVersion,
                    Answers = JsonSerializer.Serialize(submitted.Answers), submitted.SubmittedAt, messageId,
                },
                transaction);
            return AcceptOutcome.Accepted;
        }, ct);

        if (outcome == AcceptOutcome.Accepted)
        {
            outbox.Notify();
        }

        return outcome;
    }

    public async Task<SubmissionStatus?> GetSubmissionStatusAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SubmissionStatusRow>(new CommandDefinition(
            """
            SELECT s.id AS Id, s.instrument AS Instrument, s.definition_version AS DefinitionVersion, s.submitted_at AS SubmittedAt,
                   CAST(CASE WHEN o.sent_at IS NOT NULL THEN 1 ELSE 0 END AS BIGINT) AS Published, s.score_status AS ScoreStatus, s.scored_at AS ScoredAt
            FROM submissions s LEFT JOIN outbox o ON o.id = s.outbox_message_id
            WHERE s.id = @id
            """,
            new { id },
            cancellationToken: ct));
        return row is null ? null : new SubmissionStatus(row.Id, row.Instrument, row.DefinitionVersion, row.SubmittedAt, row.Published != 0, row.ScoreStatus, row.ScoredAt);
    }

    /// <summary>Records the score a submission received (status, total, band, subscores, flags). Idempotent.</summary>
    public async Task MarkScoredAsync(SurveyScored scored, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scored);
        await db.ExecuteAsync(
            """
            UPDATE submissions SET score_status = @Status, scored_at = @ScoredAt, total = @Total, band = @Band, prorated = @Prorated,
                                   subscores = @Subscores, flags = @Flags
            WHERE id = @SubmissionId
            """,
            new
            {
                scored.SubmissionId, scored.Status, scored.ScoredAt, Total = scored.Total?.ToString(CultureInfo.InvariantCulture), scored.Band,
                Prorated = scored.Prorated ? 1L : 0L, Subscores = JsonSerializer.Serialize(scored.Subscores), Flags = JsonSerializer.Serialize(scored.Flags),
            }, ct);
    }
}
