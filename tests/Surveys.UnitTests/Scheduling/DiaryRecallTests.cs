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
        var days = world.Protocols.Find("t1d-followup")!.Occurrences
            .Where(o => o.Instrument == "t1d_diary")
            .Select(o => o.Day!.Value)
            .Order()
            .ToList();
        var gaps = days.Zip(days.Skip(1), (before, after) => after - before).ToList();
        var recall = FollowUpWorld.Instruments.Find("t1d_diary")!.RecallPeriod!.Days!.Value;

        Assert.Multiple(() =>
        {
            Assert.That(gaps.Min(), Is.EqualTo(1), "the protocol sends the diary daily (days 0-13)");
            Assert.That(recall, Is.EqualTo(gaps.Min()), "so the diary asks about one day");
            Assert.That(gaps, Has.All.GreaterThanOrEqualTo(recall), "no two diaries ask about the same hours");
        });
    }
}
