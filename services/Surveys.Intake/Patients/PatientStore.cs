using Dapper;
using Surveys.Data;

namespace Surveys.Intake.Patients;

public sealed record PatientContact(string Channel, string Address);

public sealed record PatientDetails(
    Guid Id, string? DisplayName, string Language, string TimeZone, string? IndexDate, string? Protocol, DateTimeOffset CreatedAt, IReadOnlyList<PatientContact> Contacts)
{
    /// <summary>The clinic's own number for the patient (optional; kept only in intake, like the name).</summary>
    public string? ClinicNumber { get; init; }
}

/// <summary>Patients' SQL: enrol one (with contacts), read one, change the protocol, replace the contacts.</summary>
public sealed class PatientStore(Db db)
{
#pragma warning disable CA1812 // Dapper instantiates the row classes
    private sealed class PatientRow
    {
        public Guid Id { get; set; }
        public string? DisplayName { get; set; }
        public string Language { get; set; } = "en";
        public string TimeZone { get; set; } = "UTC";
        public string? IndexDate { get; set; }
        public string? Protocol { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string? ClinicNumber { get; set; }
    }

    private sealed class ContactRow
    {
        public string Channel { get; set; } = "";
        public string Address { get; set; } = "";
    }

#pragma warning restore CA1812

    public async Task CreatePatientAsync(PatientDetails patient, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(patient);
        await db.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO patients (id, created_at, display_name, language, time_zone, index_date, protocol, clinic_number)
                VALUES (@Id, @CreatedAt, @DisplayName, @Language, @TimeZone, @IndexDate, @Protocol, @ClinicNumber)
                """,
                new { patient.Id, patient.CreatedAt, patient.DisplayName, patient.Language, patient.TimeZone, patient.IndexDate, patient.Protocol, patient.ClinicNumber },
                transaction);
            foreach (var contact in patient.Contacts)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO patient_contacts (patient_id, channel, address) VALUES (@Id, @Channel, @Address)",
                    new { patient.Id, contact.Channel, contact.Address },
                    transaction);
            }

            return 0;
        }, ct);
    }

    public async Task<PatientDetails?> GetPatientAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PatientRow>(new CommandDefinition(
            """
            SELECT id AS Id, display_name AS DisplayName, language AS Language, time_zone AS TimeZone, index_date AS IndexDate,
                   protocol AS Protocol, created_at AS CreatedAt, clinic_number AS ClinicNumber
            FROM patients WHERE id = @id
            """,
            new { id },
            cancellationToken: ct));
        if (row is null)
        {
            return null;
        }

        var contacts = await connection.QueryAsync<ContactRow>(new CommandDefinition(
            "SELECT channel AS Channel, address AS Address FROM patient_contacts WHERE patient_id = @id ORDER BY channel",
            new { id },
            cancellationToken: ct));
        return new PatientDetails(row.Id, row.DisplayName, row.Language, row.TimeZone, row.IndexDate, row.Protocol, row.CreatedAt,
            contacts.Select(c => new PatientContact(c.Channel, c.Address)).ToList()) { ClinicNumber = row.ClinicNumber };
    }

    /// <summary>Moves the patient to another protocol (and index date); false when there is no such patient.</summary>
    public async Task<bool> ChangeProtocolAsync(Guid id, string protocol, string indexDate, CancellationToken ct)
    {
        return await db.ExecuteAsync(
            "UPDATE patients SET protocol = @protocol, index_date = @indexDate WHERE id = @id",
            new { id, protocol, indexDate }, ct) > 0;
    }

    /// <summary>Replaces the patient's contacts (one per channel); false when there is no such patient.</summary>
    public async Task<bool> ReplaceContactsAsync(Guid id, IReadOnlyList<PatientContact> contacts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        return await db.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM patients WHERE id = @id", new { id }, transaction) == 0)
            {
                return false;
            }

            await connection.ExecuteAsync("DELETE FROM patient_contacts WHERE patient_id = @id", new { id }, transaction);
            foreach (var contact in contacts)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO patient_contacts (patient_id, channel, address) VALUES (@id, @Channel, @Address)",
                    new { id, contact.Channel, contact.Address },
                    transaction);
            }

            return true;
        }, ct);
    }
}
