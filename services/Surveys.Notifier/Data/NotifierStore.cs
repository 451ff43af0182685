using System.Globalization;
using System.Text.Json;
using Dapper;
using Surveys.Contracts;
using Surveys.ServiceDefaults.Data;
using Surveys.ServiceDefaults.Outbox;

namespace Surveys.Notifier.Data;

public sealed record Alert(
    Guid Id, Guid PatientId, string Instrument, string Rule, string Severity, string Status, string Reason, DateTimeOffset CreatedAt, Guid SubmissionId);

public sealed record ScoreEntry(
    Guid SubmissionId, string Instrument, string DefinitionVersion, string Status, decimal? Total, string? Band, bool Prorated,
    IReadOnlyList<string> Flags, DateTimeOffset SubmittedAt, DateTimeOffset ScoredAt);

/// <summary>All of the notifier's SQL.</summary>
public sealed class NotifierStore(SqliteDb db, MessageOutbox outbox)
{
    private sealed record ScoreRow(
        Guid SubmissionId, string Instrument, string DefinitionVersion, string Status, string? Total, string? Band, long Prorated,
        string Flags, DateTimeOffset SubmittedAt, DateTimeOffset ScoredAt);

    /// <summary>
    /// Records a score in the patient's history and, in the same transaction, each alert it raises
    /// with its <see cref="PatientAlertRaised"/> message. A redelivered score changes nothing.
    /// </summary>
    public async Task<bool> RecordScoreAsync(
        SurveyScored scored, Func<SurveyScored, IReadOnlyList<PatientAlertRaised>> decide, DateTimeOffset receivedAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scored);
        ArgumentNullException.ThrowIfNull(decide);
        var recorded = await db.WriteAsync(async (connection, transaction) =>
        {
            var rows = await connection.QueryAsync<string>(
                """
                INSERT INTO scores (submission_id, patient_id, instrument, definition_version, status, total, band, prorated, flags, submitted_at, scored_at, received_at)
                VALUES (@SubmissionId, @PatientId, @Instrument, @DefinitionVersion, @Status, @Total, @Band, @Prorated, @Flags, @SubmittedAt, @ScoredAt, @receivedAt)
                ON CONFLICT (submission_id) DO NOTHING
                RETURNING submission_id
                """,
                new
                {
                    scored.SubmissionId, scored.PatientId, scored.Instrument, scored.DefinitionVersion, scored.Status,
                    Total = scored.Total?.ToString(CultureInfo.InvariantCulture), scored.Band, scored.Prorated,
                    Flags = JsonSerializer.Serialize(scored.Flags), scored.SubmittedAt, scored.ScoredAt, receivedAt,
                },
                transaction);
            if (!rows.Any())
            {
                return false;
            }

            foreach (var alert in decide(scored))
            {
                await connection.ExecuteAsync(
                    """
                    INSERT INTO alerts (id, patient_id, submission_id, instrument, definition_version, rule, severity, reason, evidence, created_at)
                    VALUES (@AlertId, @PatientId, @SubmissionId, @Instrument, @DefinitionVersion, @Rule, @Severity, @Reason, @evidence, @RaisedAt)
                    """,
                    new
                    {
                        alert.AlertId, alert.PatientId, alert.SubmissionId, alert.Instrument, alert.DefinitionVersion, alert.Rule, alert.Severity, alert.Reason,
                        evidence = JsonSerializer.Serialize(new { scored.Status, scored.Total, scored.Band, scored.Flags, scored.SubmittedAt }),
                        alert.RaisedAt,
                    },
                    transaction);
                await outbox.EnqueueAsync(connection, transaction, alert);
            }

            return true;
        }, ct);

        outbox.Notify();
        return recorded;
    }

    public async Task<IReadOnlyList<Alert>> FindAlertsAsync(Guid? patientId, string? status, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var alerts = await connection.QueryAsync<Alert>(new CommandDefinition(
            """
            SELECT id AS Id, patient_id AS PatientId, instrument AS Instrument, rule AS Rule, severity AS Severity, status AS Status,
                   reason AS Reason, created_at AS CreatedAt, submission_id AS SubmissionId
            FROM alerts
            WHERE (@patientId IS NULL OR patient_id = @patientId) AND (@status IS NULL OR status = @status)
            ORDER BY created_at DESC
            LIMIT 500
            """,
            new { patientId, status },
            cancellationToken: ct));
        return alerts.AsList();
    }

    public async Task<IReadOnlyList<ScoreEntry>> GetScoresAsync(Guid patientId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ScoreRow>(new CommandDefinition(
            """
            SELECT submission_id AS SubmissionId, instrument AS Instrument, definition_version AS DefinitionVersion, status AS Status,
                   total AS Total, band AS Band, prorated AS Prorated, flags AS Flags, submitted_at AS SubmittedAt, scored_at AS ScoredAt
            FROM scores WHERE patient_id = @patientId ORDER BY submitted_at
            """,
            new { patientId },
            cancellationToken: ct));
        return rows.Select(r => new ScoreEntry(
            r.SubmissionId, r.Instrument, r.DefinitionVersion, r.Status,
            r.Total is null ? null : decimal.Parse(r.Total, CultureInfo.InvariantCulture),
            r.Band, r.Prorated != 0, JsonSerializer.Deserialize<string[]>(r.Flags) ?? [], r.SubmittedAt, r.ScoredAt)).ToList();
    }
}
