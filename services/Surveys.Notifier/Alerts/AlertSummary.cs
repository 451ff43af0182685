using Dapper;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Web.Security;

namespace Surveys.Notifier.Alerts;

/// <summary>
/// <c>GET /api/alerts/summary</c> (admin or nurse): alert counts by rule and time to acknowledge, for the outcomes
/// report (<see cref="AlertSummaryResponse"/>, in Surveys.Contracts, which intake reads). Time to acknowledge is
/// acknowledged_at minus created_at; resolving an alert directly also sets acknowledged_at, and acknowledging again
/// after new evidence (an alert re-opened by a critical finding) moves it to that later acknowledgement. Median and
/// 90th percentile use the nearest-rank method on the acknowledged alerts. Counts only: no patient ids.
/// </summary>
public static class AlertSummary
{
#pragma warning disable CA1812 // Dapper instantiates the row class
    private sealed class Row
    {
        public string Rule { get; set; } = "";
        public string Status { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? AcknowledgedAt { get; set; }
    }
#pragma warning restore CA1812

    public static IEndpointRouteBuilder MapAlertSummary(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/alerts/summary", async (DateTimeOffset? since, Db db, CancellationToken ct) => TypedResults.Ok(await ReadAsync(db, since, ct)))
            .RequireAuthorization(policy => policy.RequireRole(Roles.Admin, Roles.Nurse))
            .WithTags("Alerts")
            .WithSummary("Alert counts by rule and how fast they were acknowledged (median, 90th percentile); no patient data.");
        return app;
    }

    public static async Task<AlertSummaryResponse> ReadAsync(Db db, DateTimeOffset? since, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT rule AS Rule, status AS Status, created_at AS CreatedAt, acknowledged_at AS AcknowledgedAt
            FROM alerts WHERE @since IS NULL OR created_at >= @since
            """,
            new { since },
            cancellationToken: ct))).AsList();
        var rules = AlertsApi.Rules.Concat(rows.Select(r => r.Rule)).Distinct(StringComparer.Ordinal).Select(rule =>
        {
            var raised = rows.Where(r => r.Rule == rule).ToList();
            var hours = raised.Where(r => r.AcknowledgedAt is not null).Select(r => (r.AcknowledgedAt!.Value - r.CreatedAt).TotalHours).Order().ToList();
            return new AlertRuleSummary(rule, raised.Count, hours.Count, raised.Count(r => r.AcknowledgedAt is null && r.Status != "resolved"),
                NearestRank(hours, 0.5), NearestRank(hours, 0.9), hours.Count(h => h <= 24));
        }).ToList();
        return new AlertSummaryResponse(since, rules);
    }

    /// <summary>The smallest value with at least <paramref name="p"/> of the sorted values at or below it.</summary>
    public static double? NearestRank(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0 ? null : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
