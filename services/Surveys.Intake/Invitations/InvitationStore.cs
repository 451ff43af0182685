using Dapper;
using Surveys.Data;

namespace Surveys.Intake.Invitations;

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

/// <summary>Invitations' SQL for links made on request (scheduled ones are the scheduler's): create one, find one by its token's hash.</summary>
public sealed class InvitationStore(Db db)
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
}
