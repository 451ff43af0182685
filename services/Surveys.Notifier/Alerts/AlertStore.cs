using System.Data;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Data.Outbox;
using Surveys.Notifier.Delivery;

namespace Surveys.Notifier.Alerts;

public sealed record Alert(
    Guid Id, Guid PatientId, string Instrument, string Rule, string Severity, string Status, string Reason, DateTimeOffset CreatedAt, Guid? SubmissionId)
{
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    public string? Outcome { get; init; }
    public string? Note { get; init; }
    public Guid? PreviousAlertId { get; init; }

    /// <summary>What a critical_item alert is about: the flag's name (one alert per flag); empty for other rules.</summary>
    public string Finding { get; init; } = string.Empty;

    /// <summary>When evidence was last attached (received): the inbox orders by it.</summary>
    public DateTimeOffset LatestEvidenceAt { get; init; }

    /// <summary>When the last escalation level's time ran out with nobody acknowledging (an urgent alert is then sent again).</summary>
    public DateTimeOffset? PastLastLevelAt { get; init; }

    /// <summary>Evidence arrived after the last acknowledgement: someone has to look again.</summary>
    public bool NewEvidenceSinceAcknowledged => Status != "resolved" && AcknowledgedAt is { } acknowledged && LatestEvidenceAt > acknowledged;
}

public sealed record Evidence(string SourceId, string Severity, string Reason, JsonElement Details, DateTimeOffset At);

public sealed record AlertFilter(Guid? PatientId = null, string? Status = null, string? Severity = null, string? Rule = null, string? Instrument = null);

public enum AlertChange
{
    Done,
    NotFound,
    AlreadyResolved,
}

/// <summary>
/// The alerts' SQL: raising an alert or adding evidence to an open one, inside the transaction that records the
/// score or missed survey (<see cref="Scores.ScoreHistoryStore"/>); and reading, counting, acknowledging and resolving
/// alerts for <see cref="AlertsApi"/>.
/// </summary>
/// <param name="deliveries">Alert delivery (Delivery/AlertDeliveryFeature); without it, alerts are only announced on the bus.</param>
public sealed class AlertStore(Db db, MessageOutbox outbox, TimeProvider time, AlertDeliveryStore? deliveries = null)
{
    private const string AlertColumns = """
        id AS Id, patient_id AS PatientId, instrument AS Instrument, rule AS Rule, severity AS Severity, status AS Status, reason AS Reason,
        created_at AS CreatedAt, submission_id AS SubmissionId, updated_at AS UpdatedAt, acknowledged_at AS AcknowledgedAt, acknowledged_by AS AcknowledgedBy,
        resolved_at AS ResolvedAt, resolved_by AS ResolvedBy, outcome AS Outcome, note AS Note, previous_alert_id AS PreviousAlertId,
        finding AS Finding, latest_evidence_at AS LatestEvidenceAt, past_last_level_at AS PastLastLevelAt
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed class AlertRow
    {
        public Guid Id { get; set; }
        public Guid PatientId { get; set; }
        public string Instrument { get; set; } = "";
        public string Rule { get; set; } = "";
        public string Severity { get; set; } = "";
        public string Status { get; set; } = "";
        public string Reason { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public Guid? SubmissionId { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
        public DateTimeOffset? AcknowledgedAt { get; set; }
        public string? AcknowledgedBy { get; set; }
        public DateTimeOffset? ResolvedAt { get; set; }
        public string? ResolvedBy { get; set; }
        public string? Outcome { get; set; }
        public string? Note { get; set; }
        public Guid? PreviousAlertId { get; set; }
        public string Finding { get; set; } = "";
        public DateTimeOffset? LatestEvidenceAt { get; set; }
        public DateTimeOffset? PastLastLevelAt { get; set; }

        public Alert ToAlert() => new(Id, PatientId, Instrument, Rule, Severity, Status, Reason, CreatedAt, SubmissionId)
        {
            UpdatedAt = UpdatedAt, AcknowledgedAt = AcknowledgedAt, AcknowledgedBy = AcknowledgedBy, ResolvedAt = ResolvedAt,
            ResolvedBy = ResolvedBy, Outcome = Outcome, Note = Note, PreviousAlertId = PreviousAlertId, Finding = Finding,
            LatestEvidenceAt = LatestEvidenceAt ?? CreatedAt, PastLastLevelAt = PastLastLevelAt,
        };
    }

    private sealed class OpenRow
    {
        public Guid Id { get; set; }
        public string Severity { get; set; } = "";
        public string Status { get; set; } = "";
    }

    private sealed class ResolvedRow
    {
        public Guid Id { get; set; }
        public DateTimeOffset ResolvedAt { get; set; }
    }

    private sealed record EvidenceRow(string SourceId, string Severity, string Reason, string Details, DateTimeOffset At);

    /// <summary>
    /// Wakes the outbox relay and alert delivery when the committed write gave them something: most scores raise
    /// nothing, and waking both for each would cost two wake-ups and two empty reads per score.
    /// </summary>
    internal void WakeAnnouncers(bool announced)
    {
        if (announced)
        {
            outbox.Notify();
            deliveries?.Notify();
        }
    }

    /// <summary>
    /// At most one unresolved alert per patient, instrument, rule and finding (each critical flag is its own finding):
    /// new evidence attaches to it and moves it up the inbox (latest evidence first). People are told again when the
    /// severity rises, and when new evidence of a critical finding arrives on an acknowledged alert: it returns to open
    /// and its current escalation level is told again. Other rules' new evidence on an acknowledged alert is shown as
    /// such in the inbox without a message. Without an unresolved alert, every finding opens one, pointing back at the
    /// last resolved one: a submission the resolver could not have seen (it arrived after the resolution) is never dropped.
    /// Returns whether people are to be told (a message and deliveries queued).
    /// </summary>
    internal async Task<bool> RaiseAsync(
        IDbConnection connection, IDbTransaction transaction, Guid patientId, string instrument, string? version, Guid sourceId, DateTimeOffset evidenceAt, AlertCandidate candidate)
    {
        var now = time.GetUtcNow();
        var key = new { patientId, instrument, candidate.Rule, candidate.Finding };
        var open = await connection.QuerySingleOrDefaultAsync<OpenRow>(
            "SELECT id AS Id, severity AS Severity, status AS Status FROM alerts WHERE patient_id = @patientId AND instrument = @instrument AND rule = @Rule AND finding = @Finding AND status <> 'resolved'",
            key, transaction);
        Guid alertId;
        var severity = candidate.Severity;
        var reason = candidate.Reason;
        bool rises, reopens;
        if (open is { } existing)
        {
            alertId = existing.Id;
            rises = AlertRules.Rank(candidate.Severity) > AlertRules.Rank(existing.Severity);
            severity = rises ? candidate.Severity : existing.Severity;
            reopens = existing.Status == "acknowledged" && (rises || candidate.Rule == AlertRules.CriticalItem);
            await connection.ExecuteAsync(
                """
                UPDATE alerts SET reason = @Reason, updated_at = @now, latest_evidence_at = @now, severity = @severity,
                                  status = CASE WHEN @reopens THEN 'open' ELSE status END
                WHERE id = @alertId
                """,
                new { candidate.Reason, now, severity, reopens, alertId }, transaction);
        }
        else
        {
            var lastResolved = await connection.QueryFirstOrDefaultAsync<ResolvedRow>(
                "SELECT id AS Id, resolved_at AS ResolvedAt FROM alerts WHERE patient_id = @patientId AND instrument = @instrument AND rule = @Rule AND finding = @Finding AND status = 'resolved' ORDER BY resolved_at DESC LIMIT 1",
                key, transaction);
            if (lastResolved is { } resolved && resolved.ResolvedAt >= evidenceAt)
            {
                reason += string.Create(CultureInfo.InvariantCulture,
                    $" This arrived after the previous alert was resolved ({resolved.ResolvedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC), though it was sent before that ({evidenceAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC): whoever resolved it could not have seen it.");
            }

            alertId = Guid.NewGuid();
            await connection.ExecuteAsync(
                """
                INSERT INTO alerts (id, patient_id, instrument, definition_version, rule, finding, severity, reason, submission_id, created_at, updated_at, latest_evidence_at, previous_alert_id)
                VALUES (@alertId, @patientId, @instrument, @version, @Rule, @Finding, @Severity, @reason, @submissionId, @now, @now, @now, @previous)
                """,
                new
                {
                    alertId, patientId, instrument, version, candidate.Rule, candidate.Finding, candidate.Severity, reason,
                    submissionId = candidate.Rule == AlertRules.MissedSurveys ? (Guid?)null : sourceId, now, previous = lastResolved?.Id,
                },
                transaction);
            rises = true; // a new alert is told as a rise is: from level 1
            reopens = false;
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO alert_evidence (alert_id, source_id, severity, reason, details, at) VALUES (@alertId, @sourceId, @Severity, @reason, @details, @evidenceAt)
            ON CONFLICT (alert_id, source_id) DO NOTHING
            """,
            new { alertId, sourceId = sourceId.ToString("D"), candidate.Severity, reason, details = JsonSerializer.Serialize(candidate.Details, Json), evidenceAt },
            transaction);

        if (!rises && !reopens)
        {
            return false;
        }

        await outbox.EnqueueAsync(connection, transaction, new PatientAlertRaised(
            alertId, patientId, sourceId, instrument, version ?? string.Empty, candidate.Rule, severity, reason, now));
        if (rises)
        {
            await connection.ExecuteAsync("UPDATE alerts SET notified_severity = @severity WHERE id = @alertId", new { severity, alertId }, transaction);
        }

        if (deliveries is not null)
        {
            await (rises
                ? deliveries.QueueRaisedAsync(connection, transaction, alertId, severity, now)
                : deliveries.QueueNewEvidenceAsync(connection, transaction, alertId, severity, sourceId, now));
        }

        return true;
    }

    /// <summary>
    /// Alerts: unresolved before resolved, then most severe first, then open (waiting for an acknowledgement) before
    /// acknowledged, then the latest evidence first (new evidence moves an alert to the top of its group).
    /// </summary>
    public async Task<IReadOnlyList<Alert>> FindAlertsAsync(AlertFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(
            $"""
            SELECT {AlertColumns} FROM alerts
            WHERE (@PatientId IS NULL OR patient_id = @PatientId) AND (@Status IS NULL OR status = @Status) AND (@Severity IS NULL OR severity = @Severity)
              AND (@Rule IS NULL OR rule = @Rule) AND (@Instrument IS NULL OR instrument = @Instrument)
            ORDER BY CASE status WHEN 'resolved' THEN 1 ELSE 0 END,
                     CASE severity WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END,
                     CASE status WHEN 'open' THEN 0 ELSE 1 END,
                     latest_evidence_at DESC
            LIMIT 500
            """,
            filter,
            cancellationToken: ct));
        return rows.Select(r => r.ToAlert()).ToList();
    }

    public Task<IReadOnlyList<Alert>> FindAlertsAsync(Guid? patientId, string? status, CancellationToken ct) =>
        FindAlertsAsync(new AlertFilter(patientId, status), ct);

    /// <summary>Unresolved alerts counted by severity.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountOpenAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Severity, long Count)>(new CommandDefinition(
            "SELECT severity, COUNT(*) FROM alerts WHERE status <> 'resolved' GROUP BY severity", cancellationToken: ct));
        return rows.ToDictionary(r => r.Severity, r => r.Count, StringComparer.Ordinal);
    }

    /// <summary>When any alert last appeared or changed (UTC ISO-8601 text, which sorts as time sorts).</summary>
    public async Task<string> LatestChangeAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var latest = await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition("SELECT MAX(updated_at) FROM alerts", cancellationToken: ct));
        return latest is { } at ? DapperSetup.Format(at) : string.Empty;
    }

    public async Task<(Alert Alert, IReadOnlyList<Evidence> Evidence)?> GetAlertAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition(
            $"SELECT {AlertColumns} FROM alerts WHERE id = @id", new { id }, cancellationToken: ct));
        if (row is null)
        {
            return null;
        }

        var evidence = await connection.QueryAsync<EvidenceRow>(new CommandDefinition(
            "SELECT source_id AS SourceId, severity AS Severity, reason AS Reason, details AS Details, at AS At FROM alert_evidence WHERE alert_id = @id ORDER BY at",
            new { id }, cancellationToken: ct));
        return (row.ToAlert(), evidence.Select(e => new Evidence(e.SourceId, e.Severity, e.Reason, JsonDocument.Parse(e.Details).RootElement.Clone(), e.At)).ToList());
    }

    /// <summary>
    /// A nurse has seen the alert. acknowledged_at and _by record the latest acknowledgement that mattered: the first,
    /// or one after new evidence (an alert re-opened by it, or evidence shown as new since it was acknowledged).
    /// </summary>
    public Task<AlertChange> AcknowledgeAsync(Guid id, string by, CancellationToken ct) => ChangeUnresolvedAsync(
        """
        status = 'acknowledged',
        acknowledged_at = CASE WHEN status = 'open' OR acknowledged_at IS NULL OR latest_evidence_at > acknowledged_at THEN @now ELSE acknowledged_at END,
        acknowledged_by = CASE WHEN status = 'open' OR acknowledged_at IS NULL OR latest_evidence_at > acknowledged_at THEN @by ELSE acknowledged_by END
        """,
        new { id, by, now = time.GetUtcNow() },
        ct);

    public Task<AlertChange> ResolveAsync(Guid id, string by, string outcome, string? note, CancellationToken ct) => ChangeUnresolvedAsync(
        """
        status = 'resolved', resolved_at = @now, resolved_by = @by, outcome = @outcome, note = @note,
        acknowledged_at = COALESCE(acknowledged_at, @now), acknowledged_by = COALESCE(acknowledged_by, @by)
        """,
        new { id, by, outcome, note, now = time.GetUtcNow() },
        ct);

    /// <summary>Applies a nurse's change to an alert that is not resolved yet (parameters carry @id and @now).</summary>
    private Task<AlertChange> ChangeUnresolvedAsync(string assignments, object parameters, CancellationToken ct) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(
                $"UPDATE alerts SET {assignments}, updated_at = @now WHERE id = @id AND status <> 'resolved'", parameters, transaction);
            if (changed > 0)
            {
                return AlertChange.Done;
            }

            var exists = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM alerts WHERE id = @id", parameters, transaction);
            return exists == 0 ? AlertChange.NotFound : AlertChange.AlreadyResolved;
        }, ct);
}
