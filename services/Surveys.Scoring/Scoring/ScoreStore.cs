using System.Globalization;
using System.Text.Json;
using Dapper;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Data.Outbox;

namespace Surveys.Scoring.Scoring;

/// <summary>All of the scoring worker's SQL.</summary>
public sealed class ScoreStore(Db db, MessageOutbox outbox)
{
    /// <summary>
    /// Stores the score and its <see cref="SurveyScored"/> message in one transaction. A second
    /// delivery of the same submission finds the row and changes nothing (its message is already in
    /// the outbox). Returns false for such a duplicate.
    /// </summary>
    public async Task<bool> SaveAsync(SurveyScored scored, object fullResult, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var inserted = await db.WriteAsync(async (connection, transaction) =>
        {
            var rows = await connection.QueryAsync<Guid>(
                """
                INSERT INTO scores (submission_id, patient_id, instrument, definition_version, status, total, band, prorated, flags, result, submitted_at, scored_at)
                VALUES (@SubmissionId, @PatientId, @Instrument, @DefinitionVersion, @Status, @Total, @Band, @Prorated, @Flags, @Result, @SubmittedAt, @ScoredAt)
                ON CONFLICT (submission_id) DO NOTHING
                RETURNING submission_id
                """,
                new
                {
                    scored.SubmissionId, scored.PatientId, scored.Instrument, scored.DefinitionVersion, scored.Status,
                    Total = scored.Total?.ToString(CultureInfo.InvariantCulture), scored.Band, Prorated = scored.Prorated ? 1L : 0L,
                    Flags = JsonSerializer.Serialize(scored.Flags), Result = JsonSerializer.Serialize(fullResult), scored.SubmittedAt, scored.ScoredAt,
                },
                transaction);
            if (!rows.Any())
            {
                return false;
            }

            await outbox.EnqueueAsync(connection, transaction, scored);
            return true;
        }, ct);

        if (inserted)
        {
            outbox.Notify();
        }

        return inserted;
    }
}
