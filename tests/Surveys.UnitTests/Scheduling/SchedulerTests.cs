using System.Globalization;
using Surveys.Data;
using Surveys.Intake.Scheduling;
using Surveys.Intake.Survey;

namespace Surveys.UnitTests.Scheduling;

/// <summary>The follow-up scheduler on a fake clock and a real database (SQLite, and PostgreSQL shared by instances).</summary>
[TestFixture(StorageEngine.Sqlite)]
[TestFixture(StorageEngine.Postgres)]
public class SchedulerTests(StorageEngine engine)
{
#pragma warning disable CA1812 // Dapper instantiates the row class
    private sealed class Row
    {
        public Guid Id { get; set; }
        public string Instrument { get; set; } = "";
        public string ScheduleKey { get; set; } = "";
        public long RemindersSent { get; set; }
    }
#pragma warning restore CA1812

    // Index date 2026-03-02 in Asia/Kolkata (UTC+05:30): invitations go out at 09:00 IST = 03:30 UTC.
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task A_whole_protocol_issues_reminds_and_expires_exactly_as_planned_with_two_instances_and_a_restart()
    {
        using var world = new FollowUpWorld(Start, engine);
        var patient = await world.EnrolAsync("2026-03-02");
        var a = world.NewInstance();
        var b = world.NewInstance();
        var answered = new HashSet<Guid>();
        var end = new DateTimeOffset(2027, 3, 25, 0, 0, 0, TimeSpan.Zero);
        var restartAt = Start.AddDays(40);

        while (world.Time.GetUtcNow() < end)
        {
            // Two intake instances run their pass at the same moment, against the same database.
            await Task.WhenAll(a.Scheduler.RunOnceAsync(CancellationToken.None), b.Scheduler.RunOnceAsync(CancellationToken.None));

            // The patient answers: every PHQ-9 at once, the daily diary on even days at once, the weekly
            // diary after its first reminder; GAD-7, WHO-5, PAID-20, Gold and odd-day diaries never.
            var open = await world.QueryAsync<Row>(
                """
                SELECT id AS Id, instrument AS Instrument, schedule_key AS ScheduleKey, reminders_sent AS RemindersSent
                FROM invitations WHERE used_at IS NULL AND expired_at IS NULL AND superseded_at IS NULL
                """);
            foreach (var row in open)
            {
                var step = row.ScheduleKey[(row.ScheduleKey.LastIndexOf('/') + 1)..];
                var day = step.Contains("@d", StringComparison.Ordinal) ? int.Parse(step[(step.IndexOf("@d", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture) : -1;
                var answer = row.Instrument switch
                {
                    "phq9" => true,
                    "t1d_diary" when day < 14 => day % 2 == 0,
                    "t1d_diary" => row.RemindersSent == 1,
                    _ => false,
                };
                if (answer && answered.Add(row.Id))
                {
                    await world.AnswerAsync(row.Id, patient, row.Instrument);
                }
            }

            if (world.Time.GetUtcNow() == restartAt)
            {
                a = world.NewInstance(); // instance A restarts: a fresh process state on the same database and keys
            }

            // Hourly through the 12 weeks (and a little beyond), then every six hours up to month 12 of Gold.
            world.Time.Advance(world.Time.GetUtcNow() < Start.AddDays(100) ? TimeSpan.FromHours(1) : TimeSpan.FromHours(6));
        }

        var perInstrument = (await world.QueryAsync<(string, long)>("SELECT instrument, COUNT(*) FROM invitations GROUP BY instrument"))
            .ToDictionary(r => r.Item1, r => r.Item2);
        Assert.Multiple(async () =>
        {
            Assert.That(perInstrument, Is.EquivalentTo(new Dictionary<string, long>
            {
                ["t1d_diary"] = 24, // daily on days 0..13 (day 0 is the baseline), then weekly on days 20..83
                ["phq9"] = 7,       // days 0, 14, ..., 84
                ["gad7"] = 7,
                ["who5"] = 4,       // months 0, 1, 2, 3
                ["paid20"] = 4,
                ["gold"] = 4,       // months 0, 3, 6, 12
            }));
            Assert.That(await world.CountAsync("SELECT COUNT(DISTINCT schedule_key) FROM invitations"), Is.EqualTo(50));
            Assert.That(answered, Has.Count.EqualTo(7 + 7 + 10));
            Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invitations WHERE used_at IS NOT NULL"), Is.EqualTo(24));

            // Reminders: odd-day diaries 7 x 1 (10 h), weekly diaries 10 x 1 (answered after the first),
            // GAD-7 7 x 2, WHO-5, PAID-20 and Gold 4 x 2 each; answered-at-once surveys none.
            Assert.That(await world.CountAsync("SELECT SUM(reminders_sent) FROM invitations"), Is.EqualTo(7 + 10 + 14 + 8 + 8 + 8));
            Assert.That(await world.CountAsync("SELECT SUM(reminders_sent) FROM invitations WHERE instrument = 'phq9'"), Is.Zero);
            Assert.That(await world.CountAsync("SELECT SUM(reminders_sent) FROM invitations WHERE instrument = 'gold'"), Is.EqualTo(8));

            // Expiries: odd-day diaries 7, GAD-7 7, WHO-5 4, PAID-20 4, Gold 4; each published once.
            Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invitations WHERE expired_at IS NOT NULL"), Is.EqualTo(26));
            Assert.That(await world.CountAsync("SELECT COUNT(*) FROM outbox WHERE message_type = 'InvitationExpired'"), Is.EqualTo(26));
            Assert.That(await world.CountAsync(
                $"SELECT COUNT(DISTINCT {world.Sql("json_extract(payload, '$.invitationId')", "payload::jsonb ->> 'invitationId'")}) FROM outbox WHERE message_type = 'InvitationExpired'"), Is.EqualTo(26));

            // One message per visit (questionnaires due together) to the patient's one contact: 35 visit days (daily diaries
            // on days 0-13; days 14, 20, 27, 28, 31, 34, 41, 42, 48, 55, 56, 61, 62, 69, 70, 76, 83, 84 and 92; months 6 and 12).
            Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE kind = 'invitation'"), Is.EqualTo(35));

            // Reminders, one per visit and reminder time while any of its questionnaires is open: day 0 (24 h, 48 h) 2,
            // odd-day diaries 7, GAD-7 days 14-84 6 x 2, weekly diaries 10, months 1 and 2 (WHO-5, PAID-20) 2 x 2,
            // day 92 (WHO-5, PAID-20, Gold) 2, Gold months 6 and 12 2 x 2.
            Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE kind = 'reminder'"), Is.EqualTo(2 + 7 + 12 + 10 + 4 + 2 + 4));

            // Every closed invitation forgot its protected token; nothing is left open at the end.
            Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invitations WHERE protected_token IS NOT NULL"), Is.Zero);
        });
    }

    [Test]
    public async Task Invitations_go_out_at_nine_in_the_patients_time_zone_with_reminders_24_and_48_hours_later()
    {
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 6, 1, 7, 0, 0, TimeSpan.Zero), engine);
        var patient = await world.EnrolAsync("2026-06-01", "Europe/London");

        Assert.That((await world.Main.Scheduler.RunOnceAsync(CancellationToken.None)).Issued, Is.Zero, "07:00 UTC is 08:00 in London (summer time): not yet");
        world.Time.Advance(TimeSpan.FromHours(1));
        Assert.That((await world.Main.Scheduler.RunOnceAsync(CancellationToken.None)).Issued, Is.EqualTo(6), "baseline: PHQ-9, GAD-7, WHO-5, PAID-20, Gold, diary");

        var phq9 = (await world.QueryAsync<(DateTimeOffset, DateTimeOffset)>("SELECT due_at, expires_at FROM invitations WHERE instrument = 'phq9'")).Single();
        Assert.That(phq9.Item1, Is.EqualTo(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero)));
        Assert.That(phq9.Item2, Is.EqualTo(new DateTimeOffset(2026, 6, 8, 8, 0, 0, TimeSpan.Zero)));

        world.Time.Advance(TimeSpan.FromHours(23).Add(TimeSpan.FromMinutes(59)));
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        Assert.That(await world.CountAsync("SELECT reminders_sent FROM invitations WHERE instrument = 'phq9'"), Is.Zero, "23:59 after: no reminder yet");
        world.Time.Advance(TimeSpan.FromMinutes(1));
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        Assert.That(await world.CountAsync("SELECT reminders_sent FROM invitations WHERE instrument = 'phq9'"), Is.EqualTo(1));

        // Intake was down across the 48 h reminder and beyond the window: no burst of reminders, just the expiry.
        world.Time.Advance(TimeSpan.FromDays(7));
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        Assert.That(await world.CountAsync("SELECT reminders_sent FROM invitations WHERE instrument = 'phq9'"), Is.EqualTo(1));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invitations WHERE instrument = 'phq9' AND expired_at IS NOT NULL"), Is.EqualTo(1));
        Assert.That(patient, Is.Not.EqualTo(Guid.Empty));
    }

    [Test]
    public async Task An_index_date_in_the_past_issues_only_the_surveys_whose_window_is_still_open()
    {
        // Day 29 of a protocol that started 2026-03-02, at 12:00 IST: the weekly diary of day 27 is open until day 30.
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 3, 31, 6, 30, 0, TimeSpan.Zero), engine);
        var patient = await world.EnrolAsync("2026-03-02");

        Assert.That(await world.Main.Scheduler.IssueDueAsync(patient, CancellationToken.None), Is.EqualTo(3));
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);

        var keys = await world.QueryAsync<string>("SELECT schedule_key FROM invitations ORDER BY schedule_key");
        Assert.That(keys.Select(k => k[(k.LastIndexOf('/') + 1)..]), Is.EqualTo(new[] { "gad7@d28", "phq9@d28", "t1d_diary@d27" }));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM outbox"), Is.Zero, "nothing from the past is reported missed");
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages"), Is.EqualTo(2), "PHQ-9 and GAD-7 of day 28 share one message; the diary of day 27 has its own");
    }

    [Test]
    public async Task Resend_replaces_the_link_takes_over_the_schedule_key_and_the_old_token_is_forgotten()
    {
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 3, 2, 4, 0, 0, TimeSpan.Zero), engine);
        var patient = await world.EnrolAsync("2026-03-02");
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        var old = (await world.QueryAsync<(Guid, string)>("SELECT id, schedule_key FROM invitations WHERE instrument = 'phq9'")).Single();

        var result = await world.Main.Resender.ResendAsync(patient, old.Item1, CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(Surveys.Intake.Scheduling.ResendOutcome.Resent));
        var rows = await world.QueryAsync<(Guid, string?, string?, string?)>(
            "SELECT id, schedule_key, superseded_at, protected_token FROM invitations WHERE instrument = 'phq9' ORDER BY created_at");
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(2));
            Assert.That(rows[0].Item2, Is.Null, "old row gave up its key");
            Assert.That(rows[0].Item3, Is.Not.Null);
            Assert.That(rows[0].Item4, Is.Null, "old row forgot its token");
            Assert.That(rows[1].Item1, Is.EqualTo(result.NewId));
            Assert.That(rows[1].Item2, Is.EqualTo(old.Item2));
            Assert.That(rows[1].Item4, Is.Not.Null);
            Assert.That(result.Messages, Is.EqualTo(1));
        });

        // The scheduler does not issue the step again, and a second resend of the old row is refused.
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invitations WHERE instrument = 'phq9'"), Is.EqualTo(2));
        Assert.That((await world.Main.Resender.ResendAsync(patient, old.Item1, CancellationToken.None)).Outcome, Is.EqualTo(Surveys.Intake.Scheduling.ResendOutcome.Closed));
    }

    [Test]
    public async Task Draft_answers_are_deleted_when_their_link_is_answered_replaced_or_expires()
    {
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 3, 2, 4, 0, 0, TimeSpan.Zero), engine);
        var patient = await world.EnrolAsync("2026-03-02");
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        var ids = (await world.QueryAsync<(Guid, string)>("SELECT id, instrument FROM invitations")).ToDictionary(r => r.Item2, r => r.Item1);
        var drafts = new SurveyStore(world.Main.Db, world.Time);
        foreach (var instrument in new[] { "phq9", "gad7", "who5", "t1d_diary" })
        {
            await drafts.SaveAnswerAsync(ids[instrument], "9", 3m, CancellationToken.None); // PHQ-9 item 9: a critical answer nobody sent
        }

        Task<long> DraftAsync(string instrument) => world.CountAsync("SELECT COUNT(*) FROM survey_drafts WHERE invitation_id = @id", new { id = ids[instrument] });

        await world.AnswerAsync(ids["t1d_diary"], patient, "t1d_diary");
        Assert.That(await DraftAsync("t1d_diary"), Is.Zero, "answered");

        await world.Main.Resender.ResendAsync(patient, ids["phq9"], CancellationToken.None);
        Assert.That(await DraftAsync("phq9"), Is.Zero, "replaced by a new link");
        Assert.That(await DraftAsync("gad7"), Is.EqualTo(1), "an open link keeps its draft");

        // GAD-7 is closed by the scheduler at the end of its window; WHO-5 stands for a link issued by hand (no
        // schedule key), which closes by time alone: the scheduler's pass deletes both drafts.
        await world.Main.Db.ExecuteAsync("UPDATE invitations SET schedule_key = NULL WHERE id = @id", new { id = ids["who5"] });
        var closes = (await world.QueryAsync<DateTimeOffset>("SELECT expires_at FROM invitations WHERE id IN (@a, @b)", new { a = ids["gad7"], b = ids["who5"] })).Max();
        world.Time.Advance(closes - world.Time.GetUtcNow() + TimeSpan.FromMinutes(1));
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(await DraftAsync("gad7"), Is.Zero, "expired by the scheduler");
            Assert.That(await DraftAsync("who5"), Is.Zero, "past its window");
            Assert.That(await world.CountAsync("SELECT COUNT(*) FROM survey_drafts"), Is.Zero);
        });
    }

    [Test]
    public void The_shipped_protocol_plans_what_the_issue_asks_for()
    {
        using var world = new FollowUpWorld(Start, engine);
        var protocol = world.Protocols.Find("t1d-followup")!;
        var keys = protocol.Occurrences.Select(o => o.Key).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(keys, Has.Count.EqualTo(50));
            Assert.That(keys.Where(k => k.EndsWith("@d0", StringComparison.Ordinal) || k.EndsWith("@m0", StringComparison.Ordinal)),
                Is.EquivalentTo(new[] { "phq9@d0", "gad7@d0", "who5@m0", "paid20@m0", "gold@m0", "t1d_diary@d0" }));
            Assert.That(keys.Where(k => k.StartsWith("gold", StringComparison.Ordinal)), Is.EqualTo(new[] { "gold@m0", "gold@m3", "gold@m6", "gold@m12" }));
            Assert.That(protocol.Occurrences.Where(o => o.Instrument == "t1d_diary" && o.Day < 14).Select(o => o.OpenFor).Distinct(), Is.EqualTo(new[] { TimeSpan.FromHours(23) }));
            Assert.That(protocol.Occurrences.All(o => o.Reminders.Count <= 2 && o.Reminders.All(r => r < o.OpenFor)), Is.True);
        });
    }

    [Test]
    public async Task Two_instances_that_decided_on_the_same_stale_state_still_write_each_step_once()
    {
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 3, 2, 4, 0, 0, TimeSpan.Zero), engine);
        var patient = await world.EnrolAsync("2026-03-02");
        var a = world.NewInstance();
        var b = world.NewInstance();

        // Issue: both try to insert the same schedule key with their own invitation id and token.
        ScheduledInvitation Attempt(FollowUpWorld.Instance instance) => new(
            Guid.NewGuid(), patient, $"{patient:D}/t1d-followup/phq9@d0", "phq9", "1.0.0", world.Time.GetUtcNow(), world.Time.GetUtcNow(),
            world.Time.GetUtcNow().AddDays(7), "24,48", Guid.NewGuid().ToString("N"), instance.Protector.Protect("token"));
        var issued = await Task.WhenAll(a.Schedule.IssueScheduledAsync(Attempt(a), CancellationToken.None), b.Schedule.IssueScheduledAsync(Attempt(b), CancellationToken.None));
        Assert.That(issued.Count(x => x), Is.EqualTo(1));

        // Reminder: both read the open invitation before either records the 24 h reminder.
        world.Time.Advance(TimeSpan.FromHours(25));
        var snapshotA = (await a.Schedule.OpenScheduledAsync(world.Time.GetUtcNow(), CancellationToken.None)).Single(i => i.ReminderHours == "24,48");
        var snapshotB = (await b.Schedule.OpenScheduledAsync(world.Time.GetUtcNow(), CancellationToken.None)).Single(i => i.ReminderHours == "24,48");
        var slot = snapshotA.DueAt.AddHours(24);
        Assert.That(await a.Schedule.RecordReminderAsync(snapshotA, slot, CancellationToken.None), Is.True);
        Assert.That(await b.Schedule.RecordReminderAsync(snapshotB, slot, CancellationToken.None), Is.False);

        // Expiry: both expire at the same moment; one InvitationExpired.
        world.Time.Advance(TimeSpan.FromDays(7));
        var expired = await Task.WhenAll(a.Schedule.ExpireDueAsync(world.Time.GetUtcNow(), CancellationToken.None), b.Schedule.ExpireDueAsync(world.Time.GetUtcNow(), CancellationToken.None));
        Assert.Multiple(async () =>
        {
            Assert.That(expired.Sum(), Is.EqualTo(1));
            Assert.That(await world.CountAsync("SELECT COUNT(*) FROM outbox WHERE message_type = 'InvitationExpired'"), Is.EqualTo(1));
            Assert.That(await world.CountAsync("SELECT reminders_sent FROM invitations"), Is.EqualTo(1));
            Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages"), Is.EqualTo(2), "one invitation message, one reminder");
        });
    }
}
