using Dapper;
using Surveys.Data;

namespace Surveys.Intake.Outcomes;

/// <summary>A submission of a patient enrolled in a protocol, with what the report needs (mutable for Dapper).</summary>
public sealed class CohortSubmission
{
    public Guid PatientId { get; set; }
    public string Instrument { get; set; } = "";
    public DateTimeOffset SubmittedAt { get; set; }
    public string? ScoreStatus { get; set; }
    public string? Total { get; set; }
    public string Answers { get; set; } = "{}";
    public string? ScheduleKey { get; set; }
    public string IndexDate { get; set; } = "";
    public string TimeZone { get; set; } = "UTC";
}

/// <summary>The outcomes report's SQL: the cohort's scored totals and its diaries.</summary>
public sealed class OutcomesStore(Db db)
{
    private const string Columns = """
        s.patient_id AS PatientId, s.instrument AS Instrument, s.submitted_at AS SubmittedAt, s.score_status AS ScoreStatus, s.total AS Total,
        i.schedule_key AS ScheduleKey, p.index_date AS IndexDate, p.time_zone AS TimeZone
        """;

    public async Task<int> CountPatientsAsync(string protocol, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM patients WHERE protocol = @protocol AND index_date IS NOT NULL", new { protocol }, cancellationToken: ct));
    }

    /// <summary>Every scored submission with a total, of patients enrolled in <paramref name="protocol"/> with an index date.</summary>
    public async Task<IReadOnlyList<CohortSubmission>> ScoredTotalsAsync(string protocol, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<CohortSubmission>(new CommandDefinition(
            $"""
            SELECT {Columns}
            FROM submissions s JOIN patients p ON p.id = s.patient_id JOIN invitations i ON i.id = s.invitation_id
            WHERE p.protocol = @protocol AND p.index_date IS NOT NULL AND s.score_status = 'scored' AND s.total IS NOT NULL
            ORDER BY s.patient_id, s.submitted_at
            """,
            new { protocol },
            cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Every diary scoring answered for (scored or incomplete: answered items count either way), with its answers.</summary>
    public async Task<IReadOnlyList<CohortSubmission>> DiariesAsync(string protocol, string diary, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<CohortSubmission>(new CommandDefinition(
            $"""
            SELECT {Columns}, s.answers AS Answers
            FROM submissions s JOIN patients p ON p.id = s.patient_id JOIN invitations i ON i.id = s.invitation_id
            WHERE p.protocol = @protocol AND p.index_date IS NOT NULL AND s.instrument = @diary AND s.score_status IS NOT NULL
            ORDER BY s.patient_id, s.submitted_at
            """,
            new { protocol, diary },
            cancellationToken: ct));
        return rows.AsList();
    }
}
