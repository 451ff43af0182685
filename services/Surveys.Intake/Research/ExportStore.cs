using Dapper;
using Surveys.Data;

namespace Surveys.Intake.Research;

/// <summary>One submission that went through scoring, as the research export reads it (mutable for Dapper).</summary>
public sealed class ExportRow
{
    public Guid PatientId { get; set; }
    public Guid SubmissionId { get; set; }
    public string DefinitionVersion { get; set; } = "";
    public DateTimeOffset SubmittedAt { get; set; }
    public string Answers { get; set; } = "{}";
    public string ScoreStatus { get; set; } = "";
    public string? Total { get; set; }
    public string? Band { get; set; }
    public long? Prorated { get; set; }
    public string? IndexDate { get; set; }
    public string TimeZone { get; set; } = "UTC";
}

/// <summary>The export's SQL: read unbuffered, so rows flow from SQLite to the response one at a time.</summary>
public sealed class ExportStore(Db db)
{
    /// <summary>
    /// Every submission of <paramref name="instrument"/> that scoring has answered for (scored or incomplete), by
    /// patient then time. The rows are streamed: nothing is held but the row being written.
    /// </summary>
    public async IAsyncEnumerable<ExportRow> ScoredSubmissionsAsync(string instrument, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = connection.QueryUnbufferedAsync<ExportRow>(
            """
            SELECT s.patient_id AS PatientId, s.id AS SubmissionId, s.definition_version AS DefinitionVersion, s.submitted_at AS SubmittedAt,
                   s.answers AS Answers, s.score_status AS ScoreStatus, s.total AS Total, s.band AS Band, s.prorated AS Prorated,
                   p.index_date AS IndexDate, p.time_zone AS TimeZone
            FROM submissions s JOIN patients p ON p.id = s.patient_id
            WHERE s.instrument = @instrument AND s.score_status IS NOT NULL
            ORDER BY s.patient_id, s.submitted_at, s.id
            """,
            new { instrument });
        await foreach (var row in rows.WithCancellation(ct))
        {
            yield return row;
        }
    }
}
