using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Surveys.Cli.Load;

/// <summary>When one submission reached each stage, read from the services' own stores.</summary>
/// <param name="PublishedAt">When intake's outbox relay marked the message sent (after the broker's confirm).</param>
public sealed record SubmissionTimes(
    Guid SubmissionId, DateTimeOffset AcceptedAt, DateTimeOffset? PublishedAt, DateTimeOffset? ScoredAt, DateTimeOffset? RecordedAt, DateTimeOffset? IntakeKnowsScoredAt);

/// <summary>An alert the notifier raised for one of the run's submissions.</summary>
public sealed record RaisedAlert(Guid SubmissionId, string Rule, DateTimeOffset RaisedAt);

/// <summary>
/// Reads the run's submissions back from the three SQLite files (read-only; WAL lets the services keep writing):
/// intake's accepted time, scoring's scored time, the notifier's recorded time and alerts. The services stamp
/// these times themselves, on the same clock, so the differences are the pipeline's own latencies.
/// </summary>
public sealed class PipelineRecords(string dataDirectory)
{
    public sealed record Counts(long Accepted, long IntakeScored, long Scored, long Recorded, long AlertEvidence);

    /// <summary>How far the pipeline has got with these submissions: each count must reach the number accepted.</summary>
    public async Task<Counts> CountAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var json = Ids(ids);
        return new Counts(
            await ScalarAsync("intake.db", "SELECT COUNT(*) FROM submissions WHERE id IN (SELECT value FROM json_each(@json))", json, ct),
            await ScalarAsync("intake.db", "SELECT COUNT(*) FROM submissions WHERE scored_at IS NOT NULL AND id IN (SELECT value FROM json_each(@json))", json, ct),
            await ScalarAsync("scoring.db", "SELECT COUNT(*) FROM scores WHERE submission_id IN (SELECT value FROM json_each(@json))", json, ct),
            await ScalarAsync("notifier.db", "SELECT COUNT(*) FROM scores WHERE submission_id IN (SELECT value FROM json_each(@json))", json, ct),
            await ScalarAsync("notifier.db", "SELECT COUNT(*) FROM alert_evidence WHERE source_id IN (SELECT value FROM json_each(@json))", json, ct));
    }

    public async Task<IReadOnlyList<SubmissionTimes>> TimesAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var json = Ids(ids);
        var accepted = await PairsAsync("intake.db", "SELECT id, submitted_at FROM submissions WHERE id IN (SELECT value FROM json_each(@json))", json, ct);
        var published = await PairsAsync(
            "intake.db",
            "SELECT s.id, o.sent_at FROM submissions s JOIN outbox o ON o.id = s.outbox_message_id WHERE o.sent_at IS NOT NULL AND s.id IN (SELECT value FROM json_each(@json))",
            json,
            ct);
        var intakeKnows = await PairsAsync("intake.db", "SELECT id, scored_at FROM submissions WHERE scored_at IS NOT NULL AND id IN (SELECT value FROM json_each(@json))", json, ct);
        var scored = await PairsAsync("scoring.db", "SELECT submission_id, scored_at FROM scores WHERE submission_id IN (SELECT value FROM json_each(@json))", json, ct);
        var recorded = await PairsAsync("notifier.db", "SELECT submission_id, received_at FROM scores WHERE submission_id IN (SELECT value FROM json_each(@json))", json, ct);
        return accepted.Select(a => new SubmissionTimes(a.Key, a.Value, Find(published, a.Key), Find(scored, a.Key), Find(recorded, a.Key), Find(intakeKnows, a.Key)))
            .ToList();
    }

    /// <summary>Every piece of alert evidence for these submissions, with the rule and when the alert was raised.</summary>
    public async Task<IReadOnlyList<RaisedAlert>> AlertsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        await using var connection = await OpenAsync("notifier.db", ct);
        using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT e.source_id, a.rule, a.created_at FROM alert_evidence e JOIN alerts a ON a.id = e.alert_id
            WHERE e.source_id IN (SELECT value FROM json_each(@json))
            """;
        command.Parameters.AddWithValue("@json", Ids(ids));
        var alerts = new List<RaisedAlert>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            alerts.Add(new RaisedAlert(Guid.Parse(reader.GetString(0)), reader.GetString(1), Time(reader.GetString(2))));
        }

        return alerts;
    }

    private static DateTimeOffset? Find(Dictionary<Guid, DateTimeOffset> times, Guid id) => times.TryGetValue(id, out var at) ? at : null;

    private static string Ids(IReadOnlyCollection<Guid> ids) => JsonSerializer.Serialize(ids.Select(i => i.ToString("D")));

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private async Task<SqliteConnection> OpenAsync(string file, CancellationToken ct)
    {
        var path = Path.Combine(dataDirectory, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No {file} in {dataDirectory}: give the system's data folder with --data-dir.", path);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        return connection;
    }

    private async Task<long> ScalarAsync(string file, string sql, string json, CancellationToken ct)
    {
        await using var connection = await OpenAsync(file, ct);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@json", json);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<Dictionary<Guid, DateTimeOffset>> PairsAsync(string file, string sql, string json, CancellationToken ct)
    {
        await using var connection = await OpenAsync(file, ct);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@json", json);
        var pairs = new Dictionary<Guid, DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            pairs[Guid.Parse(reader.GetString(0))] = Time(reader.GetString(1));
        }

        return pairs;
    }
}
