using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surveys.Data;
using Surveys.Web.Security;

namespace Surveys.Data.Audit;

public sealed record AuditEvent(long Id, DateTimeOffset At, string Actor, string Action, string? Target, string Outcome, string? ClientAddress);

/// <summary>
/// The append-only trail of staff actions in the service's own database: who, what, when, from where.
/// Targets are ids (a patient's pseudonymous id, an alert id, a user name), never names or answers.
/// </summary>
public sealed class AuditLog(Db db, TimeProvider time)
{
    public async Task RecordAsync(HttpContext context, string action, string? target, string outcome = "ok", string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        await db.ExecuteAsync(
            "INSERT INTO audit_events (at, actor, action, target, outcome, client_address) VALUES (@at, @actor, @action, @target, @outcome, @address)",
            new
            {
                at = time.GetUtcNow(),
                actor = actor ?? context.User.Identity?.Name ?? "anonymous",
                action,
                target,
                outcome,
                address = context.Connection.RemoteIpAddress?.ToString(),
            });
    }

    public async Task<IReadOnlyList<AuditEvent>> FindAsync(string? actor, string? action, DateTimeOffset? since, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<AuditEvent>(new CommandDefinition(
            """
            SELECT id AS Id, at AS At, actor AS Actor, action AS Action, target AS Target, outcome AS Outcome, client_address AS ClientAddress
            FROM audit_events
            WHERE (@actor IS NULL OR actor = @actor) AND (@action IS NULL OR action = @action) AND (@since IS NULL OR at >= @since)
            ORDER BY id DESC LIMIT @limit
            """,
            new { actor, action, since, limit },
            cancellationToken: ct));
        return rows.AsList();
    }
}

public static partial class AuditRegistration
{
    /// <summary>Adds the audit trail table to the service's database.</summary>
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new MigrationModule("audit", typeof(AuditLog).Assembly, "migrations/audit/"));
        builder.Services.AddSingleton<AuditLog>();
        return builder;
    }

    /// <summary>Operator actions the console takes on the broker, which it reports to be audited.</summary>
    public static readonly string[] ConsoleActions = ["errors_replay", "errors_purge"];

    public sealed record ConsoleAction(string? Action, string? Target, string? Outcome);

    /// <summary>
    /// The console acts on the broker, not through intake, so it reports what it did; an operator could send any
    /// text, so only the shapes the console writes are taken: the target is an error or skipped queue
    /// (<c>{virtual host}/{queue}_error</c> or <c>_skipped</c>, optionally <c> id {message id}</c>) and the outcome
    /// <c>started</c>, <c>replayed {n}</c> or <c>about {n}</c>.
    /// </summary>
    public static bool IsConsoleEntry(string? action, string? target, string? outcome) =>
        action is not null && ConsoleActions.Contains(action)
        && target is { Length: <= 400 } && ConsoleTarget().IsMatch(target)
        && (outcome is null || (outcome.Length <= 20 && ConsoleOutcome().IsMatch(outcome)));

    [GeneratedRegex(@"^[A-Za-z0-9_.\-/]{1,64}/[A-Za-z0-9_.:\-]{1,200}_(error|skipped)( id [A-Za-z0-9\-]{1,64})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConsoleTarget();

    [GeneratedRegex(@"^(started|(replayed|about) [0-9]{1,9})\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConsoleOutcome();

    /// <summary>
    /// <c>GET /api/audit</c>: admins read the trail, newest first; nobody can change it; each read is itself recorded.
    /// <c>POST /api/audit/console</c>: the console records an operator's replay or purge (operator role), in the
    /// shapes <see cref="IsConsoleEntry"/> allows.
    /// </summary>
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/audit/console", async Task<Results<NoContent, ValidationProblem>> (ConsoleAction request, AuditLog audit, HttpContext context) =>
            {
                if (!IsConsoleEntry(request.Action, request.Target, request.Outcome))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["action"] = [$"Give one of {string.Join(", ", ConsoleActions)}, an error or skipped queue as the target (virtual host/queue, optionally \" id <message id>\") and an outcome of started, replayed <n> or about <n>."],
                    });
                }

                await audit.RecordAsync(context, request.Action!, request.Target, request.Outcome ?? "ok");
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Roles.Operator)
            .WithTags("Audit")
            .WithSummary("Record an operator's replay or purge of failed messages (the console calls this).");

        app.MapGet("/api/audit", async (string? actor, string? action, DateTimeOffset? since, int? limit, AuditLog audit, HttpContext context, CancellationToken ct) =>
            {
                var rows = await audit.FindAsync(actor, action, since, Math.Clamp(limit ?? 200, 1, 1000), ct);
                await audit.RecordAsync(context, "audit_view", $"rows={rows.Count}");
                return TypedResults.Ok(rows);
            })
            .RequireAuthorization(Roles.Admin)
            .WithTags("Audit")
            .WithSummary("The audit trail of staff actions, newest first (admin).");
        return app;
    }
}
