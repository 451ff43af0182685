using System.Globalization;

namespace Surveys.IntegrationTests;

/// <summary>
/// Two instances of each service on one PostgreSQL server (a database per service) and one broker: every
/// submission is accepted, scored, recorded and announced exactly once, whichever instances handle it.
/// Needs SURVEYS_TEST_POSTGRES (infra/test.sh starts a server and sets it).
/// </summary>
[NonParallelizable]
public class SeveralInstancesTests
{
    private static Dictionary<string, int> Phq9(bool itemNine) =>
        new[] { 1, 1, 0, 1, 0, 0, 0, 0, itemNine ? 1 : 0 }.Select((a, i) => ((i + 1).ToString(CultureInfo.InvariantCulture), a)).ToDictionary(p => p.Item1, p => p.a);

    [Test]
    public async Task Two_instances_of_each_service_on_one_postgresql_handle_every_submission_exactly_once()
    {
        var server = Environment.GetEnvironmentVariable("SURVEYS_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Assert.Ignore("SURVEYS_TEST_POSTGRES is not set: there is no PostgreSQL server to test against.");
        }

        await using var system = await RunningSystem.StartAsync(postgresServer: server, instances: 2);
        var intakes = system.Instances("Intake").Select(i => new HttpClient { BaseAddress = i.BaseAddress }).ToList();
        foreach (var client in intakes)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", system.Tokens["admin"]);
        }

        // 24 patients, one PHQ-9 each, invited through one intake instance and answered through the other;
        // every fourth answers item 9 (an urgent alert each).
        const int Patients = 24;
        var submissions = 0;
        for (var i = 0; i < Patients; i++)
        {
            var patient = await system.CreatePatientAsync(intakes[i % 2]);
            var token = await system.InviteAsync(patient, "phq9", intakes[i % 2]);
            await system.SubmitAsync(token, Phq9(itemNine: i % 4 == 0), intakes[(i + 1) % 2]);
            submissions++;
        }

        // One more patient answers four invitations with item 9 at once, through both instances: one open alert,
        // four pieces of evidence, announced once.
        var repeated = await system.CreatePatientAsync(intakes[0]);
        var tokens = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            tokens.Add(await system.InviteAsync(repeated, "phq9", intakes[i % 2]));
        }

        await Task.WhenAll(tokens.Select((token, i) => system.SubmitAsync(token, Phq9(itemNine: true), intakes[i % 2])));
        submissions += tokens.Count;

        var recorded = await RunningSystem.EventuallyAsync(
            () => system.CountAsync("notifier", "SELECT COUNT(*) FROM scores"), n => n >= submissions, TimeSpan.FromSeconds(60));
        Assert.That(recorded, Is.EqualTo(submissions), "the notifier recorded every score once");
        foreach (var database in new[] { "intake", "scoring", "notifier" })
        {
            var pending = await RunningSystem.EventuallyAsync(
                () => system.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"), n => n == 0, TimeSpan.FromSeconds(30));
            Assert.That(pending, Is.Zero, $"{database}'s outbox is published");
        }

        var scored = await RunningSystem.EventuallyAsync(
            () => system.CountAsync("intake", "SELECT COUNT(*) FROM submissions WHERE score_status IS NOT NULL"), n => n >= submissions, TimeSpan.FromSeconds(30));
        Assert.Multiple(async () =>
        {
            Assert.That(await system.CountAsync("intake", "SELECT COUNT(*) FROM submissions"), Is.EqualTo(submissions));
            Assert.That(scored, Is.EqualTo(submissions), "intake heard of every score");
            Assert.That(await system.CountAsync("intake", "SELECT COUNT(*) FROM outbox WHERE message_type = 'SurveySubmitted'"), Is.EqualTo(submissions));
            Assert.That(await system.CountAsync("scoring", "SELECT COUNT(*) FROM scores"), Is.EqualTo(submissions));
            Assert.That(await system.CountAsync("scoring", "SELECT COUNT(*) FROM outbox WHERE message_type = 'SurveyScored'"), Is.EqualTo(submissions));
            Assert.That(await system.CountAsync("notifier", "SELECT COUNT(*) FROM alerts WHERE status = 'open'"), Is.EqualTo(Patients / 4 + 1));
            Assert.That(await system.CountAsync("notifier", "SELECT COUNT(*) FROM alert_evidence"), Is.EqualTo(Patients / 4 + tokens.Count));
            Assert.That(await system.CountAsync("notifier", "SELECT COUNT(*) FROM outbox WHERE message_type = 'PatientAlertRaised'"), Is.EqualTo(Patients / 4 + 1));
            foreach (var database in new[] { "intake", "scoring", "notifier" })
            {
                Assert.That(await system.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE attempts <> 1"), Is.Zero, $"{database}: each row published by one relay, once");
            }
        });

        foreach (var client in intakes)
        {
            client.Dispose();
        }
    }
}
