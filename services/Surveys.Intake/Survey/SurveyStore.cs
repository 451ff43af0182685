using System.Text.Json;
using Dapper;
using Surveys.Data;
using Surveys.Intake.Invitations;

namespace Surveys.Intake.Survey;

/// <summary>
/// An invitation due together with another (same patient, same due time), for the list on the survey pages;
/// <see cref="ProtectedToken"/> is its link's token as <c>LinkProtector</c> keeps it (null once the link closed).
/// </summary>
public sealed record DueTogether(Invitation Invitation, string? ProtectedToken);

/// <summary>
/// The answers a patient has given so far on the survey pages, kept until they send them, the answers sent, and the
/// questionnaires due together with one (sent as one message with one link, so its page lists the others).
/// </summary>
public sealed class SurveyStore(Db db, TimeProvider time)
{
    /// <summary>
    /// The invitations of the same patient with the same due time as this one (this one included), oldest first, that
    /// were neither expired nor replaced; empty when it has no due time. The caller keeps the open and the answered.
    /// </summary>
    public async Task<IReadOnlyList<DueTogether>> DueTogetherAsync(Guid invitationId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<InvitationRow>(new CommandDefinition(
            """
            SELECT o.id AS Id, o.patient_id AS PatientId, o.instrument AS Instrument, o.definition_version AS DefinitionVersion,
                   o.created_at AS CreatedAt, o.expires_at AS ExpiresAt, o.used_at AS UsedAt,
                   o.expired_at AS ExpiredAt, o.superseded_at AS SupersededAt, o.protected_token AS ProtectedToken
            FROM invitations i
            JOIN invitations o ON o.patient_id = i.patient_id AND o.due_at = i.due_at
            WHERE i.id = @invitationId AND o.expired_at IS NULL AND o.superseded_at IS NULL
            ORDER BY o.created_at, o.id
            """,
            new { invitationId },
            cancellationToken: ct));
        return rows.Select(r => new DueTogether(r.ToInvitation(), r.ProtectedToken)).ToList();
    }

    /// <summary>The answers stored with the invitation's submission (whichever route sent them); empty when there is none.</summary>
    public async Task<Dictionary<string, decimal?>> LoadSubmittedAsync(Guid invitationId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT answers FROM submissions WHERE invitation_id = @invitationId", new { invitationId }, cancellationToken: ct));
        return json is null ? [] : JsonSerializer.Deserialize<Dictionary<string, decimal?>>(json) ?? [];
    }

    public async Task<Dictionary<string, decimal?>> LoadDraftAsync(Guid invitationId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT answers FROM survey_drafts WHERE invitation_id = @invitationId", new { invitationId }, cancellationToken: ct));
        return json is null ? [] : JsonSerializer.Deserialize<Dictionary<string, decimal?>>(json) ?? [];
    }

    /// <summary>Sets (or, with null, clears) one answer in the draft.</summary>
    public Task SaveAnswerAsync(Guid invitationId, string item, decimal? value, CancellationToken ct) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var json = await connection.QuerySingleOrDefaultAsync<string>(
                "SELECT answers FROM survey_drafts WHERE invitation_id = @invitationId", new { invitationId }, transaction);
            var answers = json is null ? [] : JsonSerializer.Deserialize<Dictionary<string, decimal?>>(json) ?? [];
            if (value is null)
            {
                answers.Remove(item);
            }
            else
            {
                answers[item] = value;
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO survey_drafts (invitation_id, answers, updated_at) VALUES (@invitationId, @answers, @now)
                ON CONFLICT (invitation_id) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at
                """,
                new { invitationId, answers = JsonSerializer.Serialize(answers), now = time.GetUtcNow() },
                transaction);
            return true;
        }, ct);
}
