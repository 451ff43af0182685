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

/// <summary>
/// An invitations row as Dapper reads it, for every store that reads invitations (each query selects the columns it
/// needs; the others keep their defaults).
/// </summary>
#pragma warning disable CA1812 // Dapper instantiates it
internal sealed class InvitationRow
#pragma warning restore CA1812
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

    /// <summary>The link's token as <see cref="LinkProtector"/> keeps it, when the query reads it.</summary>
    public string? ProtectedToken { get; set; }

    public Invitation ToInvitation() => new(Id, PatientId, Instrument, DefinitionVersion, CreatedAt, ExpiresAt, UsedAt)
    {
        ExpiredAt = ExpiredAt,
        SupersededAt = SupersededAt,
        Language = Language,
    };
}

/// <summary>Invitations' SQL for links made on request (scheduled ones are the scheduler's): create one, find one by its token's hash.</summary>
public sealed class InvitationStore(Db db)
{
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
        return row?.ToInvitation();
    }
}
