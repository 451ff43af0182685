using Surveys.Data;
using Surveys.Intake.Invitations;
using Surveys.Intake.Survey;
using Surveys.UnitTests.Scheduling;

namespace Surveys.UnitTests.Survey;

/// <summary>
/// The questionnaires due together with one (same patient, same due time), as the survey pages read them from the store:
/// on the T1D protocol's first day six are due at once and go out as one message with one link, so each page lists all six.
/// </summary>
[TestFixture(StorageEngine.Sqlite)]
[TestFixture(StorageEngine.Postgres)]
public class DueTogetherStoreTests(StorageEngine engine)
{
    [Test]
    public async Task The_questionnaires_due_at_the_same_time_for_the_same_patient_are_read_with_links_that_open_them()
    {
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero), engine);
        var patient = await world.EnrolAsync("2026-06-01", "Europe/London");
        var other = await world.EnrolAsync("2026-06-01", "Europe/London"); // the same due time, another patient
        Assert.That((await world.Main.Scheduler.RunOnceAsync(CancellationToken.None)).Issued, Is.EqualTo(12), "baseline: six questionnaires each");
        var store = new SurveyStore(world.Main.Db, world.Time);
        var invitations = await world.QueryAsync<(Guid Id, string Instrument, string TokenHash)>(
            "SELECT id, instrument, token_hash FROM invitations WHERE patient_id = @patient", new { patient });
        var phq9 = invitations.Single(i => i.Instrument == "phq9");

        var together = await store.DueTogetherAsync(phq9.Id, CancellationToken.None);

        Assert.That(together.Select(t => t.Invitation.Id), Is.EquivalentTo(invitations.Select(i => i.Id)), "the patient's six, this one included, none of the other patient's");
        Assert.That(together.Select(t => t.Invitation.PatientId).Distinct(), Is.EqualTo(new[] { patient }));
        Assert.That(together.Select(t => InvitationToken.Hash(world.Main.Protector.TryUnprotect(t.ProtectedToken)!)), Is.EquivalentTo(invitations.Select(i => i.TokenHash)),
            "each protected token opens its own link");

        // One answered: still listed (as done), its link closed; one replaced: no longer listed.
        await world.AnswerAsync(invitations.Single(i => i.Instrument == "gad7").Id, patient, "gad7");
        await using (var connection = await world.Main.Db.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE invitations SET superseded_at = @now WHERE id = @id",
                new { now = world.Time.GetUtcNow(), id = invitations.Single(i => i.Instrument == "who5").Id });
        }

        together = await store.DueTogetherAsync(phq9.Id, CancellationToken.None);
        Assert.That(together, Has.Count.EqualTo(5));
        var gad7 = together.Single(t => t.Invitation.Instrument == "gad7");
        Assert.That((gad7.Invitation.UsedAt is not null, gad7.ProtectedToken), Is.EqualTo((true, (string?)null)));
        Assert.That(await store.DueTogetherAsync((await world.QueryAsync<Guid>("SELECT id FROM invitations WHERE patient_id = @other AND instrument = 'phq9'", new { other })).Single(), CancellationToken.None),
            Has.Count.EqualTo(6), "the other patient's own six");
    }

    [Test]
    public async Task An_invitation_without_a_due_time_stands_alone()
    {
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero), engine);
        var patient = await world.EnrolAsync("2026-06-01", "Europe/London");
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        var id = (await world.QueryAsync<Guid>("SELECT id FROM invitations WHERE patient_id = @patient AND instrument = 'phq9'", new { patient })).Single();
        await using (var connection = await world.Main.Db.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE invitations SET due_at = NULL WHERE id = @id", new { id });
        }

        Assert.That(await new SurveyStore(world.Main.Db, world.Time).DueTogetherAsync(id, CancellationToken.None), Is.Empty);
    }
}
