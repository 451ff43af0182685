using System.Data;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Instruments;
using Surveys.Notifier.Alerts;

namespace Surveys.Notifier.Scores;

public sealed record ScoreEntry(
    Guid SubmissionId, string Instrument, string DefinitionVersion, string Status, decimal? Total, string? Band, bool Prorated,
    IReadOnlyList<string> Flags, DateTimeOffset SubmittedAt, DateTimeOffset ScoredAt);

/// <summary>
/// The patient's history (scores and surveys missed) and, in the same transaction, what the alert rules make of it:
/// the alerts themselves are written by <see cref="AlertStore"/>.
/// </summary>
public sealed class ScoreHistoryStore(Db db, AlertStore alerts, TimeProvider time)
{
    private sealed record ScoreRow(
        Guid SubmissionId, string Instrument, string DefinitionVersion, string Status, string? Total, string? Band, long Prorated,
        string Flags, DateTimeOffset SubmittedAt, DateTimeOffset ScoredAt);

    private sealed record BaselineRow(Guid SubmissionId, string? Total, string? ItemGrades, DateTimeOffset SubmittedAt);

    private sealed class GradeRow
    {
        public string Item { get; set; } = "";
        public double Grade { get; set; }
    }

    private sealed class MissedRow
    {
        public Guid InvitationId { get; set; }
        public string Instrument { get; set; } = "";
        public DateTimeOffset IssuedAt { get; set; }
    }

    private static string PatientKey(Guid patientId) => "notifier/patient/" + patientId.ToString("D");

    /// <summary>
    /// Records a score in the patient's history and, in the same transaction, what the rules make of it
    /// against the patient's baseline: new alerts, evidence attached to open ones, and the
    /// <see cref="PatientAlertRaised"/> messages for people to be told. A redelivered score changes nothing.
    /// </summary>
    public async Task<bool> RecordScoreAsync(SurveyScored scored, AlertRules rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scored);
        ArgumentNullException.ThrowIfNull(rules);
        var (recorded, announced) = await db.WriteAsync(async (connection, transaction) =>
        {
            // One patient's scores and missed surveys are judged one at a time, across instances too: the
            // rules read the patient's history, which another instance may be adding to.
            await db.TakeTurnsAsync(connection, transaction, PatientKey(scored.PatientId));
            var rows = await connection.QueryAsync<Guid>(
                """
                INSERT INTO scores (submission_id, patient_id, instrument, definition_version, status, total, band, prorated, flags, submitted_at, scored_at, received_at, answers, item_grades)
                VALUES (@SubmissionId, @PatientId, @Instrument, @DefinitionVersion, @Status, @Total, @Band, @Prorated, @Flags, @SubmittedAt, @ScoredAt, @receivedAt, @Answers, @ItemGrades)
                ON CONFLICT (submission_id) DO NOTHING
                RETURNING submission_id
                """,
                new
                {
                    scored.SubmissionId, scored.PatientId, scored.Instrument, scored.DefinitionVersion, scored.Status,
                    Total = scored.Total?.ToString(CultureInfo.InvariantCulture), scored.Band, Prorated = scored.Prorated ? 1L : 0L,
                    Flags = JsonSerializer.Serialize(scored.Flags), scored.SubmittedAt, scored.ScoredAt, receivedAt = time.GetUtcNow(),
                    Answers = scored.Answers is null ? null : JsonSerializer.Serialize(scored.Answers),
                    ItemGrades = scored.ItemGrades.Count == 0 ? null : JsonSerializer.Serialize(scored.ItemGrades),
                },
                transaction);
            if (!rows.Any())
            {
                return (false, false);
            }

            var baseline = await BaselineAsync(connection, transaction, scored, rules.Definition(scored.Instrument, scored.DefinitionVersion));
            var announced = false;
            foreach (var candidate in rules.Evaluate(scored, baseline))
            {
                announced |= await alerts.RaiseAsync(connection, transaction, scored.PatientId, scored.Instrument, scored.DefinitionVersion, scored.SubmissionId, scored.SubmittedAt, candidate);
            }

            return (true, announced);
        }, ct);

        alerts.WakeAnnouncers(announced);
        return recorded;
    }

    /// <summary>Records an invitation that closed unanswered and applies the missed-surveys rule.</summary>
    public async Task<bool> RecordMissedAsync(InvitationExpired expired, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(expired);
        var (recorded, announced) = await db.WriteAsync(async (connection, transaction) =>
        {
            await db.TakeTurnsAsync(connection, transaction, PatientKey(expired.PatientId));
            var rows = await connection.QueryAsync<Guid>(
                """
                INSERT INTO missed_invitations (invitation_id, patient_id, instrument, issued_at, expired_at)
                VALUES (@InvitationId, @PatientId, @Instrument, @IssuedAt, @ExpiredAt)
                ON CONFLICT (invitation_id) DO NOTHING
                RETURNING invitation_id
                """,
                expired,
                transaction);
            if (!rows.Any())
            {
                return (false, false);
            }

            var lastTwo = (await connection.QueryAsync<MissedRow>(
                "SELECT invitation_id AS InvitationId, instrument AS Instrument, issued_at AS IssuedAt FROM missed_invitations WHERE patient_id = @PatientId ORDER BY issued_at DESC LIMIT 2",
                new { expired.PatientId }, transaction)).Select(m => new MissedSurvey(m.InvitationId, m.Instrument, m.IssuedAt)).ToList();
            var lastSubmitted = await connection.ExecuteScalarAsync<DateTimeOffset?>(
                "SELECT MAX(submitted_at) FROM scores WHERE patient_id = @PatientId", new { expired.PatientId }, transaction);
            var candidate = AlertRules.EvaluateMissed(lastTwo, lastSubmitted);
            var announced = candidate is not null
                && await alerts.RaiseAsync(connection, transaction, expired.PatientId, "all", null, expired.InvitationId, expired.ExpiredAt, candidate);
            return (true, announced);
        }, ct);

        alerts.WakeAnnouncers(announced);
        return recorded;
    }

    /// <summary>
    /// The first scored result before this one, and the best before it (total, and each item's grade) when the
    /// definition compares with them.
    /// </summary>
    private async Task<Baseline?> BaselineAsync(IDbConnection connection, IDbTransaction transaction, SurveyScored scored, InstrumentDefinition definition)
    {
        // The first scored result for the instrument, earlier than this one (for the diary: the first with item grades).
        var row = await connection.QuerySingleOrDefaultAsync<BaselineRow>(
            """
            SELECT submission_id AS SubmissionId, total AS Total, item_grades AS ItemGrades, submitted_at AS SubmittedAt
            FROM scores
            WHERE patient_id = @PatientId AND instrument = @Instrument AND submission_id <> @SubmissionId AND submitted_at < @SubmittedAt
              AND ((status = 'scored' AND total IS NOT NULL) OR item_grades IS NOT NULL)
            ORDER BY submitted_at LIMIT 1
            """,
            new { scored.PatientId, scored.Instrument, scored.SubmissionId, scored.SubmittedAt },
            transaction);
        if (row is null)
        {
            return null;
        }

        var alerting = definition.Alerting;
        BestResult? best = null;
        if (alerting.WorseThanBaseline is not null && scored.Status == "scored" && scored.Total is not null)
        {
            var order = definition.Scoring.Direction == ScoreDirection.HigherIsBetter ? "DESC" : "ASC";
            var bestRow = await connection.QueryFirstOrDefaultAsync<BaselineRow>(
                $"""
                SELECT submission_id AS SubmissionId, total AS Total, item_grades AS ItemGrades, submitted_at AS SubmittedAt
                FROM scores
                WHERE patient_id = @PatientId AND instrument = @Instrument AND submission_id <> @SubmissionId AND submitted_at < @SubmittedAt
                  AND status = 'scored' AND total IS NOT NULL
                ORDER BY CAST(total AS {db.Sql("REAL", "NUMERIC")}) {order}, submitted_at LIMIT 1
                """,
                new { scored.PatientId, scored.Instrument, scored.SubmissionId, scored.SubmittedAt },
                transaction);
            best = bestRow?.Total is { } total ? new BestResult(bestRow.SubmissionId, decimal.Parse(total, CultureInfo.InvariantCulture), bestRow.SubmittedAt) : null;
        }

        Dictionary<string, decimal>? bestGrades = null;
        if (alerting.Items.Any(r => r.WorseThanBaseline is not null) && scored.ItemGrades.Count > 0)
        {
            // Each item's lowest (best) grade so far.
            var grades = await connection.QueryAsync<GradeRow>(
                db.Sql(
                    """
                    SELECT j.key AS Item, MIN(CAST(j.value AS REAL)) AS Grade
                    FROM scores s, json_each(s.item_grades) j
                    WHERE s.patient_id = @PatientId AND s.instrument = @Instrument AND s.submission_id <> @SubmissionId AND s.submitted_at < @SubmittedAt AND s.item_grades IS NOT NULL
                    GROUP BY j.key
                    """,
                    """
                    SELECT j.key AS Item, CAST(MIN(CAST(j.value AS NUMERIC)) AS DOUBLE PRECISION) AS Grade
                    FROM scores s CROSS JOIN LATERAL jsonb_each_text(CAST(s.item_grades AS jsonb)) j
                    WHERE s.patient_id = @PatientId AND s.instrument = @Instrument AND s.submission_id <> @SubmissionId AND s.submitted_at < @SubmittedAt AND s.item_grades IS NOT NULL
                    GROUP BY j.key
                    """),
                new { scored.PatientId, scored.Instrument, scored.SubmissionId, scored.SubmittedAt },
                transaction);
            bestGrades = grades.ToDictionary(g => g.Item, g => (decimal)g.Grade, StringComparer.Ordinal);
        }

        return new Baseline(
            row.SubmissionId,
            row.Total is null ? null : decimal.Parse(row.Total, CultureInfo.InvariantCulture),
            row.ItemGrades is null ? new Dictionary<string, decimal>() : JsonSerializer.Deserialize<Dictionary<string, decimal>>(row.ItemGrades) ?? [],
            row.SubmittedAt)
        {
            Best = best,
            BestItemGrades = bestGrades,
        };
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
