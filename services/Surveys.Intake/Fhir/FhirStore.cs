using System.Globalization;
using System.Text.Json;
using Dapper;
using Surveys.Data;

namespace Surveys.Intake.Fhir;

/// <summary>Reads submissions and their scores (written by IntakeStore) for the FHIR endpoints. Read only.</summary>
public sealed class FhirStore(Db db)
{
    private const string Columns =
        """
        SELECT id AS Id, patient_id AS PatientId, instrument AS Instrument, definition_version AS DefinitionVersion, answers AS Answers,
               submitted_at AS SubmittedAt, score_status AS ScoreStatus, scored_at AS ScoredAt, total AS Total, band AS Band, prorated AS Prorated
        FROM submissions
        """;

    // Answers are JSON text, the total invariant decimal text and prorated an integer: Dapper needs a mutable row.
    private sealed class SubmissionRow
    {
        public Guid Id { get; set; }
        public Guid PatientId { get; set; }
        public string Instrument { get; set; } = "";
        public string DefinitionVersion { get; set; } = "";
        public string Answers { get; set; } = "{}";
        public DateTimeOffset SubmittedAt { get; set; }
        public string? ScoreStatus { get; set; }
        public DateTimeOffset? ScoredAt { get; set; }
        public string? Total { get; set; }
        public string? Band { get; set; }
        public long? Prorated { get; set; }

        public StoredSubmission ToSubmission() => new(
            Id, PatientId, Instrument, DefinitionVersion,
            JsonSerializer.Deserialize<Dictionary<string, decimal?>>(Answers) ?? [], SubmittedAt)
        {
            ScoreStatus = ScoreStatus,
            ScoredAt = ScoredAt,
            Total = Total is null ? null : decimal.Parse(Total, NumberStyles.Number, CultureInfo.InvariantCulture),
            Band = Band,
            Prorated = Prorated is 1,
        };
    }

    public async Task<StoredSubmission?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SubmissionRow>(
            new CommandDefinition($"{Columns} WHERE id = @id", new { id }, cancellationToken: ct));
        return row?.ToSubmission();
    }

    /// <summary>A patient's submissions, oldest first.</summary>
    public async Task<IReadOnlyList<StoredSubmission>> ForPatientAsync(Guid patientId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<SubmissionRow>(
            new CommandDefinition($"{Columns} WHERE patient_id = @patientId ORDER BY submitted_at, id", new { patientId }, cancellationToken: ct));
        return [.. rows.Select(r => r.ToSubmission())];
    }
}
