using System.Data;
using Dapper;
using Surveys.Data;

namespace Surveys.Delivery;

/// <summary>
/// The mechanics every outgoing-message table shares (intake's invitation deliveries, the notifier's alert
/// deliveries): rows due now, a short lease so only one instance sends a row, and marking it sent,
/// cancelled, or due again later (given up after the last attempt). The table has the columns id,
/// created_at, next_attempt_at, lease_until, attempts, sent_at, sent_via, cancelled_at, failed_at and last_error.
/// </summary>
public sealed class DeliveryLeases(Db db, string table)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private const string Open = "sent_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)";

    /// <summary>Ids of rows due now, oldest first.</summary>
    public async Task<IReadOnlyList<Guid>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition(
            $"SELECT id FROM {table} WHERE {Open} ORDER BY next_attempt_at, created_at LIMIT @limit", new { now, limit }, cancellationToken: ct));
        return ids.AsList();
    }

    /// <summary>Takes the row for <see cref="Lease"/>, inside the caller's transaction; false when it is not due or someone holds it.</summary>
    public async Task<bool> TryLeaseAsync(IDbConnection connection, IDbTransaction transaction, Guid id, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.ExecuteAsync(
            $"UPDATE {table} SET lease_until = @leaseUntil, attempts = attempts + 1 WHERE id = @id AND {Open}",
            new { id, now, leaseUntil = now + Lease },
            transaction) > 0;
    }

    public Task MarkSentAsync(Guid id, string via, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync($"UPDATE {table} SET sent_at = @now, sent_via = @via, lease_until = NULL WHERE id = @id", new { id, via, now }, ct);

    public Task CancelAsync(Guid id, string reason, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync($"UPDATE {table} SET cancelled_at = @now, last_error = @reason, lease_until = NULL WHERE id = @id", new { id, reason, now }, ct);

    /// <summary>Schedules another attempt, or gives up (failed_at) after the last one.</summary>
    public Task RetryLaterAsync(Guid id, string error, DateTimeOffset nextAttempt, bool giveUp, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(
            $"""
            UPDATE {table} SET lease_until = NULL, last_error = @error, next_attempt_at = @nextAttempt,
                               failed_at = CASE WHEN @giveUp THEN @now ELSE NULL END
            WHERE id = @id
            """,
            new { id, error, nextAttempt, giveUp, now },
            ct);

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken ct)
    {
        await db.ExecuteAsync(sql, parameters, ct);
    }
}
