using System.Globalization;
using Microsoft.Extensions.Options;
using Surveys.Hosting;
using Surveys.Instruments;
using Surveys.Intake.Delivery;
using Surveys.Intake.Invitations;

namespace Surveys.Intake.Scheduling;

/// <summary>Configuration section <c>Scheduler</c>.</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>How often the scheduler looks for due invitations, reminders and expiries.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Turns the background loop off (tests drive <see cref="FollowUpScheduler.RunOnceAsync"/> themselves).</summary>
    public bool Enabled { get; set; } = true;
}

public sealed record SchedulerPass(int Issued, int Reminded, int Expired);

/// <summary>
/// Issues each due invitation of a patient's protocol exactly once (a unique schedule key), sends reminders,
/// and expires unanswered invitations (publishing <c>InvitationExpired</c>). Every decision is a single
/// transaction that checks its own precondition, so any number of instances and restarts give the same result.
/// Time comes only from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class FollowUpScheduler(
    ScheduleStore store,
    ProtocolCatalog protocols,
    InstrumentCatalog instruments,
    LinkProtector protector,
    DeliverySignal signal,
    TimeProvider time,
    ILogger<FollowUpScheduler> logger)
{
    /// <summary>One pass: expire, issue, remind.</summary>
    public async Task<SchedulerPass> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var expired = await store.ExpireDueAsync(now, ct);
        var issued = await IssueDueAsync(null, ct);
        var reminded = await RemindAsync(ct);
        if (issued + reminded > 0)
        {
            signal.Notify();
        }

        if (issued + reminded + expired > 0)
        {
            LogPass(logger, issued, reminded, expired);
        }

        return new SchedulerPass(issued, reminded, expired);
    }

    /// <summary>
    /// Issues the due invitations of every enrolled patient (or of one): occurrences whose window is open now
    /// (due, not yet closed). An occurrence whose window already closed is never issued, so an index date in the
    /// past does not flood the patient with every survey they could no longer answer in time.
    /// </summary>
    public async Task<int> IssueDueAsync(Guid? patientId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var issued = 0;
        foreach (var patient in await store.EnrolledPatientsAsync(patientId, ct))
        {
            var protocol = protocols.Find(patient.Protocol);
            if (protocol is null
                || !DateOnly.TryParseExact(patient.IndexDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var indexDate)
                || !TimeZoneInfo.TryFindSystemTimeZoneById(patient.TimeZone, out var zone))
            {
                LogUnschedulable(logger, patient.Id);
                continue;
            }

            HashSet<string>? existing = null;
            foreach (var occurrence in protocol.Occurrences)
            {
                var dueAt = protocol.DueAt(occurrence, indexDate, zone);
                var expiresAt = dueAt + occurrence.OpenFor;
                if (dueAt > now || expiresAt <= now)
                {
                    continue;
                }

                existing ??= await store.ScheduleKeysAsync(patient.Id, ct);
                var key = ScheduleKey(patient.Id, protocol.Id, occurrence.Key);
                if (existing.Contains(key))
                {
                    continue;
                }

                var definition = instruments.Find(occurrence.Instrument, occurrence.Version);
                if (definition is null)
                {
                    continue;
                }

                var token = InvitationToken.New();
                var invitation = new ScheduledInvitation(
                    Guid.NewGuid(), patient.Id, key, definition.Id, definition.Version, now, dueAt, expiresAt,
                    ScheduleStore.FormatHours(occurrence.Reminders), InvitationToken.Hash(token), protector.Protect(token));
                if (await store.IssueScheduledAsync(invitation, ct))
                {
                    issued++;
                }

                existing.Add(key);
            }
        }

        return issued;
    }

    /// <summary>
    /// Sends at most one reminder per invitation per pass: the latest reminder time that has come, if it is after
    /// the invitation was issued and before it closes. A reminder time missed entirely (intake was down across
    /// two of them) is skipped rather than sent twice in a row.
    /// </summary>
    private async Task<int> RemindAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var reminded = 0;
        foreach (var invitation in await store.OpenScheduledAsync(now, ct))
        {
            var slot = ScheduleStore.ParseHours(invitation.ReminderHours)
                .Select(offset => invitation.DueAt + offset)
                .Where(at => at > invitation.CreatedAt && at < invitation.ExpiresAt && at <= now && (invitation.LastReminderAt is null || at > invitation.LastReminderAt))
                .DefaultIfEmpty()
                .Max();
            if (slot == default)
            {
                continue;
            }

            if (await store.RecordReminderAsync(invitation, slot, ct))
            {
                reminded++;
            }
        }

        return reminded;
    }

    public static string ScheduleKey(Guid patientId, string protocolId, string occurrenceKey) =>
        $"{patientId:D}/{protocolId}/{occurrenceKey}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler pass: {Issued} issued, {Reminded} reminded, {Expired} expired")]
    private static partial void LogPass(ILogger logger, int issued, int reminded, int expired);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Patient {PatientId} has a protocol, index date or time zone this build cannot read; not scheduled")]
    private static partial void LogUnschedulable(ILogger logger, Guid patientId);
}

/// <summary>Runs the scheduler every <see cref="SchedulerOptions.Interval"/>.</summary>
public sealed class SchedulerLoop(FollowUpScheduler scheduler, IOptions<SchedulerOptions> options, Heartbeats heartbeats, TimeProvider time, ILogger<SchedulerLoop> logger)
    : PollingLoop(null, heartbeats, time, logger)
{
    protected override string Name => "follow-up scheduler";

    protected override TimeSpan PollInterval => options.Value.Interval;

    protected override bool Enabled => options.Value.Enabled;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => scheduler.RunOnceAsync(cancellationToken);
}
