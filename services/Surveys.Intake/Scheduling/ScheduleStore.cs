using System.Data;
using System.Globalization;
using Dapper;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Delivery;
using Surveys.Data.Outbox;
using Surveys.Intake.Delivery;
using Surveys.Intake.Invitations;
using Surveys.Intake.Patients;

namespace Surveys.Intake.Scheduling;

/// <summary>A patient enrolled in a protocol, as the scheduler sees them (no name, no contact).</summary>
public sealed record EnrolledPatient(Guid Id, string TimeZone, string IndexDate, string Protocol);

/// <summary>An invitation the scheduler is about to issue.</summary>
public sealed record ScheduledInvitation(
    Guid Id, Guid PatientId, string ScheduleKey, string Instrument, string DefinitionVersion, DateTimeOffset CreatedAt, DateTimeOffset DueAt,
    DateTimeOffset ExpiresAt, string ReminderHours, string TokenHash, string ProtectedToken);

/// <summary>An open scheduled invitation that may be owed a reminder.</summary>
public sealed record OpenScheduled(Guid Id, Guid PatientId, DateTimeOffset CreatedAt, DateTimeOffset DueAt, DateTimeOffset ExpiresAt, string ReminderHours, DateTimeOffset? LastReminderAt);

/// <summary>
/// One invitation as staff see it. <see cref="DeliveriesSent"/> counts the messages sent about its visit (one message tells
/// about every questionnaire due at the same time); <see cref="DeliveriesPending"/> those queued with its own link.
/// </summary>
public sealed record InvitationView(
    Guid Id, string Instrument, string DefinitionVersion, string? ScheduleKey, DateTimeOffset CreatedAt, DateTimeOffset? DueAt, DateTimeOffset ExpiresAt,
    int RemindersSent, DateTimeOffset? UsedAt, DateTimeOffset? ExpiredAt, DateTimeOffset? SupersededAt, Guid? ReplacesId, int DeliveriesSent, int DeliveriesPending)
{
    public Invitation AsInvitation(Guid patientId) => new(Id, patientId, Instrument, DefinitionVersion, CreatedAt, ExpiresAt, UsedAt)
    {
        ExpiredAt = ExpiredAt,
        SupersededAt = SupersededAt,
    };
}

public enum ResendOutcome
{
    Resent,
    NotFound,
    Closed,
}

/// <summary>
/// Enrolment, the follow-up schedule and resends. Every write that creates something to send also writes its
/// deliveries (one per patient contact and visit: questionnaires due together share one message) in the same transaction; every expiry writes its
/// <see cref="InvitationExpired"/> message into the outbox in the same transaction.
/// </summary>
public sealed class ScheduleStore(Db db, MessageOutbox outbox, TimeProvider time)
{
    private const string OpenClause = "used_at IS NULL AND expired_at IS NULL AND superseded_at IS NULL";

#pragma warning disable CA1812 // Dapper instantiates the row classes
    private sealed class EnrolledRow
    {
        public Guid Id { get; set; }
        public string TimeZone { get; set; } = "UTC";
        public string IndexDate { get; set; } = "";
        public string Protocol { get; set; } = "";
    }

    private sealed class OpenRow
    {
        public Guid Id { get; set; }
        public Guid PatientId { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset DueAt { get; set; }
        public DateTimeOffset ExpiresAt { get; set; }
        public string ReminderHours { get; set; } = "";
        public DateTimeOffset? LastReminderAt { get; set; }
    }

    private sealed class InvitationViewRow
    {
        public Guid Id { get; set; }
        public Guid PatientId { get; set; }
        public string Instrument { get; set; } = "";
        public string DefinitionVersion { get; set; } = "";
        public string? ScheduleKey { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? DueAt { get; set; }
        public DateTimeOffset ExpiresAt { get; set; }
        public long RemindersSent { get; set; }
        public DateTimeOffset? UsedAt { get; set; }
        public DateTimeOffset? ExpiredAt { get; set; }
        public DateTimeOffset? SupersededAt { get; set; }
        public Guid? ReplacesId { get; set; }
        public DateTimeOffset? LastReminderAt { get; set; }
        public string? ReminderHours { get; set; }
        public long DeliveriesSent { get; set; }
        public long DeliveriesPending { get; set; }
    }
#pragma warning restore CA1812

    public async Task<IReadOnlyList<EnrolledPatient>> EnrolledPatientsAsync(Guid? only, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<EnrolledRow>(new CommandDefinition(
            """
            SELECT id AS Id, time_zone AS TimeZone, index_date AS IndexDate, protocol AS Protocol
            FROM patients WHERE protocol IS NOT NULL AND index_date IS NOT NULL AND (@only IS NULL OR id = @only)
            """,
            new { only },
            cancellationToken: ct));
        return rows.Select(r => new EnrolledPatient(r.Id, r.TimeZone, r.IndexDate, r.Protocol)).ToList();
    }

    public async Task<HashSet<string>> ScheduleKeysAsync(Guid patientId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var keys = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT schedule_key FROM invitations WHERE patient_id = @patientId AND schedule_key IS NOT NULL",
            new { patientId },
            cancellationToken: ct));
        return keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Issues a scheduled invitation unless its schedule key exists already (another instance, or before a
    /// restart): the unique key makes issuing exactly-once. Its deliveries are written in the same transaction.
    /// </summary>
    public async Task<bool> IssueScheduledAsync(ScheduledInvitation invitation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return await db.WriteAsync(async (connection, transaction) =>
        {
            var inserted = (await connection.QueryAsync<Guid>(
                """
                INSERT INTO invitations (id, patient_id, instrument, definition_version, token_hash, created_at, expires_at,
                                         schedule_key, due_at, reminder_hours, protected_token)
                VALUES (@Id, @PatientId, @Instrument, @DefinitionVersion, @TokenHash, @CreatedAt, @ExpiresAt,
                        @ScheduleKey, @DueAt, @ReminderHours, @ProtectedToken)
                ON CONFLICT (schedule_key) WHERE schedule_key IS NOT NULL DO NOTHING
                RETURNING id
                """,
                invitation,
                transaction)).AsList();
            if (inserted.Count == 0)
            {
                return false;
            }

            await EnqueueDeliveriesAsync(connection, transaction, invitation.Id, invitation.PatientId, "invitation", invitation.CreatedAt,
                VisitKey(invitation.PatientId, invitation.DueAt, "invitation"));
            return true;
        }, ct);
    }

    /// <summary>Open scheduled invitations with a reminder plan, for the reminder pass.</summary>
    public async Task<IReadOnlyList<OpenScheduled>> OpenScheduledAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<OpenRow>(new CommandDefinition(
            $"""
            SELECT id AS Id, patient_id AS PatientId, created_at AS CreatedAt, due_at AS DueAt, expires_at AS ExpiresAt,
                   reminder_hours AS ReminderHours, last_reminder_at AS LastReminderAt
            FROM invitations
            WHERE schedule_key IS NOT NULL AND {OpenClause} AND expires_at > @now AND due_at IS NOT NULL
                  AND reminder_hours IS NOT NULL AND reminder_hours <> ''
            """,
            new { now },
            cancellationToken: ct));
        return rows.Select(r => new OpenScheduled(r.Id, r.PatientId, r.CreatedAt, r.DueAt, r.ExpiresAt, r.ReminderHours, r.LastReminderAt)).ToList();
    }

    /// <summary>
    /// Records the reminder for slot <paramref name="slot"/> if nobody recorded a later one meanwhile (a
    /// compare-and-set on last_reminder_at), and writes its deliveries; false when another instance was first
    /// or the invitation closed.
    /// </summary>
    public async Task<bool> RecordReminderAsync(OpenScheduled invitation, DateTimeOffset slot, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return await db.WriteAsync(async (connection, transaction) =>
        {
            var updated = await connection.ExecuteAsync(
                $"""
                UPDATE invitations SET reminders_sent = reminders_sent + 1, last_reminder_at = @slot
                WHERE id = @Id AND {OpenClause} AND expires_at > @slot AND (last_reminder_at IS NULL OR last_reminder_at < @slot)
                """,
                new { invitation.Id, slot },
                transaction);
            if (updated == 0)
            {
                return false;
            }

            await EnqueueDeliveriesAsync(connection, transaction, invitation.Id, invitation.PatientId, "reminder", time.GetUtcNow(),
                VisitKey(invitation.PatientId, invitation.DueAt, "reminder/" + slot.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)));
            return true;
        }, ct);
    }

    /// <summary>
    /// Closes every scheduled invitation whose window has passed unanswered and publishes
    /// <see cref="InvitationExpired"/> for each, in one transaction; returns how many closed. The same transaction
    /// deletes the draft answers of every closed link (answered, expired, replaced, or past its window), which may
    /// hold critical answers nobody sent.
    /// </summary>
    public async Task<int> ExpireDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var count = await db.WriteAsync(async (connection, transaction) =>
        {
            var rows = (await connection.QueryAsync<InvitationRow>(
                $"""
                UPDATE invitations SET expired_at = expires_at
                WHERE schedule_key IS NOT NULL AND {OpenClause} AND expires_at <= @now
                RETURNING id AS Id, patient_id AS PatientId, instrument AS Instrument, definition_version AS DefinitionVersion,
                          created_at AS CreatedAt, expires_at AS ExpiresAt
                """,
                new { now },
                transaction)).AsList();
            await connection.ExecuteAsync(
                """
                DELETE FROM survey_drafts WHERE EXISTS (
                    SELECT 1 FROM invitations i WHERE i.id = survey_drafts.invitation_id
                    AND (i.used_at IS NOT NULL OR i.expired_at IS NOT NULL OR i.superseded_at IS NOT NULL OR i.expires_at <= @now))
                """,
                new { now },
                transaction);
            foreach (var row in rows)
            {
                await outbox.EnqueueAsync(connection, transaction,
                    new InvitationExpired(row.Id, row.PatientId, row.Instrument, row.DefinitionVersion, row.CreatedAt, row.ExpiresAt));
            }

            return rows.Count;
        }, ct);
        if (count > 0)
        {
            outbox.Notify();
        }

        return count;
    }

    public async Task<IReadOnlyList<InvitationView>> ListInvitationsAsync(Guid patientId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<InvitationViewRow>(new CommandDefinition(
            """
            SELECT i.id AS Id, i.patient_id AS PatientId, i.instrument AS Instrument, i.definition_version AS DefinitionVersion,
                   i.schedule_key AS ScheduleKey, i.created_at AS CreatedAt, i.due_at AS DueAt, i.expires_at AS ExpiresAt,
                   i.reminders_sent AS RemindersSent, i.used_at AS UsedAt, i.expired_at AS ExpiredAt, i.superseded_at AS SupersededAt,
                   i.replaces_id AS ReplacesId,
                   (SELECT COUNT(*) FROM delivery_messages d JOIN invitations v ON v.id = d.about
                    WHERE v.patient_id = i.patient_id AND (v.id = i.id OR v.due_at = i.due_at) AND d.sent_at IS NOT NULL) AS DeliveriesSent,
                   (SELECT COUNT(*) FROM delivery_messages d WHERE d.about = i.id AND d.sent_at IS NULL AND d.cancelled_at IS NULL AND d.failed_at IS NULL) AS DeliveriesPending
            FROM invitations i WHERE i.patient_id = @patientId
            ORDER BY COALESCE(i.due_at, i.created_at) DESC, i.created_at DESC
            """,
            new { patientId },
            cancellationToken: ct));
        return rows.Select(r => new InvitationView(
            r.Id, r.Instrument, r.DefinitionVersion, r.ScheduleKey, r.CreatedAt, r.DueAt, r.ExpiresAt, (int)r.RemindersSent, r.UsedAt, r.ExpiredAt,
            r.SupersededAt, r.ReplacesId, (int)r.DeliveriesSent, (int)r.DeliveriesPending)).ToList();
    }

    /// <summary>
    /// Replaces an open invitation with a new link in one transaction: the old row is marked superseded (its
    /// schedule key, protected token and draft answers cleared), the new one takes over the key, due time, window and reminder
    /// plan, and its deliveries are written.
    /// </summary>
    public async Task<(ResendOutcome Outcome, Guid NewId, DateTimeOffset ExpiresAt)> ResendAsync(
        Guid patientId, Guid invitationId, string tokenHash, string protectedToken, DateTimeOffset now, CancellationToken ct)
    {
        return await db.WriteAsync(async (connection, transaction) =>
        {
            var old = await connection.QuerySingleOrDefaultAsync<InvitationViewRow>(
                """
                SELECT id AS Id, patient_id AS PatientId, instrument AS Instrument, definition_version AS DefinitionVersion, schedule_key AS ScheduleKey,
                       created_at AS CreatedAt, due_at AS DueAt, expires_at AS ExpiresAt, used_at AS UsedAt, expired_at AS ExpiredAt,
                       superseded_at AS SupersededAt, reminder_hours AS ReminderHours, last_reminder_at AS LastReminderAt
                FROM invitations WHERE id = @invitationId AND patient_id = @patientId
                """,
                new { invitationId, patientId },
                transaction);
            if (old is null)
            {
                return (ResendOutcome.NotFound, Guid.Empty, default(DateTimeOffset));
            }

            if (old.UsedAt is not null || old.ExpiredAt is not null || old.SupersededAt is not null || old.ExpiresAt <= now)
            {
                return (ResendOutcome.Closed, Guid.Empty, old.ExpiresAt);
            }

            await connection.ExecuteAsync(
                "UPDATE invitations SET superseded_at = @now, schedule_key = NULL, protected_token = NULL WHERE id = @invitationId",
                new { invitationId, now },
                transaction);
            await connection.ExecuteAsync("DELETE FROM survey_drafts WHERE invitation_id = @invitationId", new { invitationId }, transaction);
            var newId = Guid.NewGuid();
            await connection.ExecuteAsync(
                """
                INSERT INTO invitations (id, patient_id, instrument, definition_version, token_hash, created_at, expires_at,
                                         schedule_key, due_at, reminder_hours, last_reminder_at, protected_token, replaces_id)
                VALUES (@newId, @PatientId, @Instrument, @DefinitionVersion, @tokenHash, @now, @ExpiresAt,
                        @ScheduleKey, @DueAt, @ReminderHours, @LastReminderAt, @protectedToken, @Id)
                """,
                new
                {
                    newId, old.PatientId, old.Instrument, old.DefinitionVersion, tokenHash, now, old.ExpiresAt, old.ScheduleKey, old.DueAt,
                    old.ReminderHours, LastReminderAt = old.LastReminderAt is { } last && last > now ? last : now, protectedToken, old.Id,
                },
                transaction);
            await EnqueueDeliveriesAsync(connection, transaction, newId, patientId, "invitation", now, visitKey: null);
            return (ResendOutcome.Resent, newId, old.ExpiresAt);
        }, ct);
    }

    /// <summary>
    /// Queues one message per patient contact. With a <paramref name="visitKey"/> (a scheduled invitation or reminder)
    /// only the first questionnaire of the visit queues it: the others due at the same time share that message, whose
    /// text and link are made when it is sent (<see cref="DeliveryStore.ClaimAsync"/>). A resend has no key: its own message.
    /// </summary>
    private static async Task EnqueueDeliveriesAsync(
        System.Data.Common.DbConnection connection, IDbTransaction transaction, Guid invitationId, Guid patientId, string kind, DateTimeOffset now, string? visitKey)
    {
        var channels = await connection.QueryAsync<string>(
            "SELECT channel FROM patient_contacts WHERE patient_id = @patientId ORDER BY channel", new { patientId }, transaction);
        foreach (var channel in channels)
        {
            await Deliveries.EnqueueAsync(
                connection,
                transaction,
                new QueuedMessage(kind, patientId.ToString("D"), channel, About: invitationId, OnceKey: visitKey is null ? null : $"{visitKey}/{channel}"),
                now);
        }
    }

    /// <summary>A visit's message key: the patient, the time its questionnaires are due, and which message.</summary>
    internal static string VisitKey(Guid patientId, DateTimeOffset dueAt, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"{patientId:D}/{dueAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}/{message}");

    internal static string FormatHours(IEnumerable<TimeSpan> reminders) =>
        string.Join(',', reminders.Select(r => r.TotalHours.ToString(CultureInfo.InvariantCulture)));

    internal static IReadOnlyList<TimeSpan> ParseHours(string? hours) =>
        string.IsNullOrEmpty(hours) ? [] : hours.Split(',').Select(h => TimeSpan.FromHours(double.Parse(h, CultureInfo.InvariantCulture))).ToList();
}
