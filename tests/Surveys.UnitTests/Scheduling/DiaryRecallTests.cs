using Surveys.Intake.Scheduling;

namespace Surveys.UnitTests.Scheduling;

/// <summary>
/// Issue 18, hole 8: the T1D protocol sends the diary daily for two weeks, so a diary that asked about the past 7 days
/// reported one severe low up to seven times. New invitations use the newest diary, whose recall is 24 hours.
/// </summary>
public class DiaryRecallTests
{
    [Test]
    public async Task A_protocol_sent_diary_invitation_uses_version_2_0_0_which_asks_about_the_past_24_hours()
    {
        // Index date 2026-03-02 in Asia/Kolkata: the day-0 invitations are due at 09:00 IST = 03:30 UTC.
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 3, 2, 4, 0, 0, TimeSpan.Zero));
        await world.EnrolAsync("2026-03-02");

        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);

        var versions = await world.QueryAsync<string>("SELECT definition_version FROM invitations WHERE instrument = 't1d_diary'");
        Assert.That(versions, Is.EqualTo(new[] { "2.0.0" }));
        var recall = FollowUpWorld.Instruments.Find("t1d_diary", versions[0])!.RecallPeriod!;
        Assert.That((recall.Days, recall.Text.En), Is.EqualTo((1, "In the past 24 hours")));
    }

    [Test]
    public void The_diary_recall_matches_how_often_the_T1D_protocol_sends_it_so_one_event_is_reported_once()
    {
        using var world = new FollowUpWorld(DateTimeOffset.UnixEpoch);
        var diaries = world.Protocols.Find("t1d-followup")!.Occurrences
            .Where(o => o.Instrument == "t1d_diary")
            .OrderBy(o => o.Day)
            .ToList();
        var recalls = diaries.Select(o => FollowUpWorld.Instruments.Find("t1d_diary", o.Version)!.RecallPeriod!.Days!.Value).ToList();

        // Each diary asks about exactly the days since the one before: no event is reported twice, no day is left out.
        var mismatches = diaries.Skip(1).Select((o, i) => (o.Key, Gap: o.Day!.Value - diaries[i].Day!.Value, Recall: recalls[i + 1]))
            .Where(x => x.Gap != x.Recall)
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(recalls.Take(14), Has.All.EqualTo(1), "days 0-13: the daily diary asks about the past 24 hours");
            Assert.That(recalls.Skip(14), Is.Not.Empty.And.All.EqualTo(7), "then weekly, about the past 7 days");
            Assert.That(mismatches, Is.Empty, "a diary whose recall is not the time since the one before");
        });
    }

    [Test]
    public void A_protocol_step_whose_recall_does_not_match_how_often_it_is_sent_does_not_load()
    {
        var json = """
            { "id": "p", "title": "P", "sendAt": "09:00",
              "steps": [ { "instrument": "t1d_diary", "version": "2.0.0", "every": { "fromDay": 0, "toDay": 84, "days": 7 }, "openHours": 72 } ] }
            """;
        var ex = Assert.Throws<InvalidOperationException>(() => ProtocolCatalog.FromSources([("p.json", json)], FollowUpWorld.Instruments));
        Assert.That(ex!.Message, Does.Contain("asks about 1 day(s) but is sent every 7 day(s)"));
    }
}
