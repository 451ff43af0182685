using System.Text.Json;
using Dapper;
using Surveys.Data;

namespace Surveys.Intake.Data;

/// <summary>One patient in a list: who they are to staff (name, clinic number), never their contacts.</summary>
public sealed record PatientListing(Guid Id, string? DisplayName, string? ClinicNumber, string? Protocol, DateTimeOffset CreatedAt);

/// <summary>One sent form with its answers (item id to value), as stored.</summary>
public sealed record SubmittedForm(Guid Id, string Instrument, string DefinitionVersion, DateTimeOffset SubmittedAt, IReadOnlyDictionary<string, decimal?> Answers);

/// <summary>The read side of the patient directory for staff: search, listing by id, and the forms a patient sent.</summary>
public sealed class PatientDirectory(Db db)
{
#pragma warning disable CA1812 // Dapper instantiates the row classes
    private sealed class ListingRow
    {
        public Guid Id { get; set; }
        public string? DisplayName { get; set; }
        public string? ClinicNumber { get; set; }
        public string? Protocol { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }

    private sealed class FormRow
    {
        public Guid Id { get; set; }
        public string Instrument { get; set; } = "";
        public string DefinitionVersion { get; set; } = "";
        public DateTimeOffset SubmittedAt { get; set; }
        public string Answers { get; set; } = "{}";
    }
#pragma warning restore CA1812

    /// <summary>
    /// Patients whose name contains <paramref name="text"/> (any case), whose clinic number is it (any case), or whose id
    /// starts with it; with <paramref name="ids"/>, only those patients. Newest enrolment first; one page and the total.
    /// </summary>
    public async Task<(IReadOnlyList<PatientListing> Page, int Total)> SearchAsync(string? text, IReadOnlyList<Guid> ids, int page, int pageSize, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var where = new List<string>();
        var parameters = new DynamicParameters();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var escaped = text.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
            parameters.Add("contains", $"%{escaped}%");
            parameters.Add("prefix", $"{escaped}%");
            parameters.Add("exact", text.Trim().ToLowerInvariant());
            var id = db.Sql("id", "CAST(id AS TEXT)");
            where.Add($"(lower(display_name) LIKE @contains ESCAPE '\\' OR lower(clinic_number) = @exact OR {id} LIKE @prefix ESCAPE '\\')");
        }

        if (ids.Count > 0)
        {
            var names = ids.Select((value, i) =>
            {
                parameters.Add($"id{i}", value);
                return $"@id{i}";
            });
            where.Add($"id IN ({string.Join(", ", names)})");
        }

        var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        parameters.Add("limit", pageSize);
        parameters.Add("offset", (page - 1) * pageSize);
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM patients {filter}", parameters, cancellationToken: ct));
        var rows = await connection.QueryAsync<ListingRow>(new CommandDefinition(
            $"""
            SELECT id AS Id, display_name AS DisplayName, clinic_number AS ClinicNumber, protocol AS Protocol, created_at AS CreatedAt
            FROM patients {filter}
            ORDER BY created_at DESC, id
            LIMIT @limit OFFSET @offset
            """,
            parameters,
            cancellationToken: ct));
        return (rows.Select(r => new PatientListing(r.Id, r.DisplayName, r.ClinicNumber, r.Protocol, r.CreatedAt)).ToList(), (int)total);
    }

    /// <summary>The forms a patient sent, newest first; one page and the total.</summary>
    public async Task<(IReadOnlyList<SubmittedForm> Page, int Total)> FormsAsync(Guid patientId, string? instrument, int page, int pageSize, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var filter = "WHERE patient_id = @patientId AND (@instrument IS NULL OR instrument = @instrument)";
        var parameters = new { patientId, instrument, limit = pageSize, offset = (page - 1) * pageSize };
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM submissions {filter}", parameters, cancellationToken: ct));
        var rows = await connection.QueryAsync<FormRow>(new CommandDefinition(
            $"""
            SELECT id AS Id, instrument AS Instrument, definition_version AS DefinitionVersion, submitted_at AS SubmittedAt, answers AS Answers
            FROM submissions {filter}
            ORDER BY submitted_at DESC, id
            LIMIT @limit OFFSET @offset
            """,
            parameters,
            cancellationToken: ct));
        return (rows.Select(r => new SubmittedForm(r.Id, r.Instrument, r.DefinitionVersion, r.SubmittedAt,
            JsonSerializer.Deserialize<Dictionary<string, decimal?>>(r.Answers) ?? [])).ToList(), (int)total);
    }

    public async Task<string?> ClinicNumberAsync(Guid patientId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT clinic_number FROM patients WHERE id = @patientId", new { patientId }, cancellationToken: ct));
    }
}
