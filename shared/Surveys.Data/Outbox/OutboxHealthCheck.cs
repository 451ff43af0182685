using System.Globalization;
using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Surveys.Data;

namespace Surveys.Data.Outbox;

/// <summary>The outbox's backlog: how many messages wait to be published and how old the oldest is.</summary>
public sealed record OutboxBacklog(long Pending, TimeSpan? OldestAge, long Stuck);

/// <summary>
/// Reports the backlog in readiness. Degraded when the oldest pending message is older than
/// <see cref="StaleAfter"/> (the broker has been away, or the relay is stuck) or a row cannot be published.
/// </summary>
public sealed class OutboxHealthCheck(Db db, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    public async Task<OutboxBacklog> ReadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(long Pending, DateTimeOffset? Oldest, long Stuck)>(new CommandDefinition(
            """
            SELECT COUNT(*) FILTER (WHERE last_error IS NULL), MIN(created_at) FILTER (WHERE last_error IS NULL), COUNT(*) FILTER (WHERE last_error IS NOT NULL)
            FROM outbox WHERE sent_at IS NULL
            """,
            cancellationToken: cancellationToken));
        TimeSpan? age = time.GetUtcNow() - row.Oldest;
        return new OutboxBacklog(row.Pending, age, row.Stuck);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var backlog = await ReadAsync(cancellationToken);
        var description = string.Create(CultureInfo.InvariantCulture,
            $"{backlog.Pending} pending, oldest {(backlog.OldestAge is { } a ? $"{a.TotalSeconds:F1} s" : "none")}, {backlog.Stuck} unpublishable");
        var data = new Dictionary<string, object>
        {
            ["pending"] = backlog.Pending,
            ["oldestAgeSeconds"] = backlog.OldestAge?.TotalSeconds ?? 0,
            ["unpublishable"] = backlog.Stuck,
        };
        return backlog.OldestAge > StaleAfter || backlog.Stuck > 0
            ? HealthCheckResult.Degraded(description, data: data)
            : HealthCheckResult.Healthy(description, data);
    }
}
