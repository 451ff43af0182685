using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Surveys.Cli.Load;

/// <summary>When one submission reached each stage, read from the services' own stores.</summary>
/// <param name="PublishedAt">When intake's outbox relay marked the message sent (after the broker's confirm).</param>
public sealed record SubmissionTimes(
    Guid SubmissionId, DateTimeOffset AcceptedAt, DateTimeOffset? PublishedAt, DateTimeOffset? ScoredAt, DateTimeOffset? RecordedAt, DateTimeOffset? IntakeKnowsScoredAt);

/// <summary>An alert the notifier raised for one of the run's submissions.</summary>
public sealed record RaisedAlert(Guid SubmissionId, string Rule, DateTimeOffset RaisedAt);

/// <summary>
/// Reads the run's submissions back from the three services' stores, read-only: intake's accepted time, scoring's
/// scored time, the notifier's recorded time and alerts. The services stamp these times themselves, on the same
/// clock, so the differences are the pipeline's own latencies. The stores are the SQLite files in the data folder, or
/// each service's PostgreSQL database (SURVEYS_LOAD_POSTGRES_INTAKE, _SCORING, _NOTIFIER: connection strings).
/// </summary>
public sealed class PipelineRecords
{
    private static readonly string[] Services = ["intake", "scoring", "notifier"];
    private readonly Func<string, CancellationToken, Task<DbConnection>> _open;
    private readonly bool _postgres;

    private PipelineRecords(Func<string, CancellationToken, Task<DbConnection>> open, bool postgres) => (_open, _postgres) = (open, postgres);

    public static PipelineRecords ForSqlite(string dataDirectory) => new(async (service, ct) =>
    {
        var path = Path.Combine(dataDirectory, $"{service}.db");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No {service}.db in {dataDirectory}: give the system's data folder with --data-dir.", path);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        return connection;
    }, postgres: false);

    /// <param name="connectionStrings">Service name (intake, scoring, notifier) to its database.</param>
    public static PipelineRecords ForPostgres(IReadOnlyDictionary<string, string> connectionStrings) => new(async (service, ct) =>
    {
        var connection = new NpgsqlConnection(connectionStrings[service]);
        await connection.OpenAsync(ct);
        return connection;
    }, postgres: true);

    /// <summary>PostgreSQL stores when SURVEYS_LOAD_POSTGRES_INTAKE is set, else the SQLite files in the data folder.</summary>
    public static PipelineRecords FromEnvironment(string dataDirectory)
    {
        string? Env(string service) => Environment.GetEnvironmentVariable($"SURVEYS_LOAD_POSTGRES_{service.ToUpperInvariant()}");
        return Env("intake") is null
            ? ForSqlite(dataDirectory)
            : ForPostgres(Services.ToDictionary(s => s, s => Env(s) ?? throw new InvalidOperationException($"SURVEYS_LOAD_POSTGRES_{s.ToUpperInvariant()} is not set.")));
    }

    public sealed record Counts(long Accepted, long IntakeScored, long Scored, long Recorded, long AlertEvidence);

    /// <summary>The rows whose column is one of the run's ids (SQLite keeps ids as text, PostgreSQL as uuid).</summary>
    private string Among(string column) => _postgres
        ? $"CAST({column} AS text) IN (SELECT value FROM jsonb_array_elements_text(CAST(@json AS jsonb)))"
        : $"{column} IN (SELECT value FROM json_each(@json))";

    /// <summary>How far the pipeline has got with these submissions: each count must reach the number accepted.</summary>
    public async Task<Counts> CountAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var json = Ids(ids);
        return new Counts(
            await ScalarAsync("intake", $"SELECT COUNT(*) FROM submissions WHERE {Among("id")}", json, ct),
            await ScalarAsync("intake", $"SELECT COUNT(*) FROM submissions WHERE scored_at IS NOT NULL AND {Among("id")}", json, ct),
            await ScalarAsync("scoring", $"SELECT COUNT(*) FROM scores WHERE {Among("submission_id")}", json, ct),
            await ScalarAsync("notifier", $"SELECT COUNT(*) FROM scores WHERE {Among("submission_id")}", json, ct),
            await ScalarAsync("notifier", $"SELECT COUNT(*) FROM alert_evidence WHERE {Among("source_id")}", json, ct));
    }

    public async Task<IReadOnlyList<SubmissionTimes>> TimesAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var json = Ids(ids);
        var accepted = await PairsAsync("intake", $"SELECT id, submitted_at FROM submissions WHERE {Among("id")}", json, ct);
        var published = await PairsAsync(
            "intake",
            $"SELECT s.id, o.sent_at FROM submissions s JOIN outbox o ON o.id = s.outbox_message_id WHERE o.sent_at IS NOT NULL AND {Among("s.id")}",
            json,
            ct);
        var intakeKnows = await PairsAsync("intake", $"SELECT id, scored_at FROM submissions WHERE scored_at IS NOT NULL AND {Among("id")}", json, ct);
        var scored = await PairsAsync("scoring", $"SELECT submission_id, scored_at FROM scores WHERE {Among("submission_id")}", json, ct);
        var recorded = await PairsAsync("notifier", $"SELECT submission_id, received_at FROM scores WHERE {Among("submission_id")}", json, ct);
        return accepted.Select(a => new SubmissionTimes(a.Key, a.Value, Find(published, a.Key), Find(scored, a.Key), Find(recorded, a.Key), Find(intakeKnows, a.Key)))
            .ToList();
    }

    /// <summary>Every piece of alert evidence for these submissions, with the rule and when the alert was raised.</summary>
    public async Task<IReadOnlyList<RaisedAlert>> AlertsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        await using var connection = await _open("notifier", ct);
        await using var command = Command(connection,
            $"SELECT e.source_id, a.rule, a.created_at FROM alert_evidence e JOIN alerts a ON a.id = e.alert_id WHERE {Among("e.source_id")}", Ids(ids));
        var alerts = new List<RaisedAlert>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            alerts.Add(new RaisedAlert(ToGuid(reader.GetValue(0)), reader.GetString(1), ToTime(reader.GetValue(2))));
        }

        return alerts;
    }

    private static DateTimeOffset? Find(Dictionary<Guid, DateTimeOffset> times, Guid id) => times.TryGetValue(id, out var at) ? at : null;

    private static string Ids(IReadOnlyCollection<Guid> ids) => JsonSerializer.Serialize(ids.Select(i => i.ToString("D")));

    private static Guid ToGuid(object value) => value is Guid guid ? guid : Guid.Parse((string)value);

    private static DateTimeOffset ToTime(object value) => value switch
    {
        DateTimeOffset time => time,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        _ => DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
    };

    private static DbCommand Command(DbConnection connection, string sql, string json)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@json";
        parameter.Value = json;
        command.Parameters.Add(parameter);
        return command;
    }

    private async Task<long> ScalarAsync(string service, string sql, string json, CancellationToken ct)
    {
        await using var connection = await _open(service, ct);
        await using var command = Command(connection, sql, json);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private async Task<Dictionary<Guid, DateTimeOffset>> PairsAsync(string service, string sql, string json, CancellationToken ct)
    {
        await using var connection = await _open(service, ct);
        await using var command = Command(connection, sql, json);
        var pairs = new Dictionary<Guid, DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            pairs[ToGuid(reader.GetValue(0))] = ToTime(reader.GetValue(1));
        }

        return pairs;
    }
}
