using System.Text.Json;
using Dapper;
using Surveys.Data;

namespace Surveys.Intake.Data;

/// <summary>The answers a patient has given so far on the survey pages, kept until they send them, and the answers sent.</summary>
public sealed class SurveyStore(Db db, TimeProvider time)
{
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
