using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser.Portal;

/// <summary>
/// Issue 21: the operator's whole job in the browser. With a failed message in an error queue, the operator signs in on
/// the portal, sees the pipeline, reads why the message failed, and replays or purges it after a confirmation step; the
/// audit trail has it under their name. Every page passes axe and fits 390 and 1280 px.
/// </summary>
[NonParallelizable]
public class OperatorTests : BrowserTest
{
    private const string ErrorQueue = "scoring-score-submission_error";

    /// <summary>Each test starts from an empty error queue, whatever one before it left.</summary>
    [SetUp]
    public async Task EmptyTheErrorQueueAsync()
    {
        await Platform.Broker.EmptyAsync(ErrorQueue);
        Assert.That(await WaitForFailedAsync(n => n == 0), Is.Zero);
    }

    [Test]
    public async Task The_operator_reads_why_a_message_failed_and_replays_it_after_a_confirmation()
    {
        const int width = 390; // the whole job once, on a phone; every page is also checked and shot at 1280 px
        // A submission that failed on a locked database: sound in itself, so a replay scores it.
        var patient = await Platform.CreatePatientAsync();
        var messageId = Guid.NewGuid();
        await Platform.Broker.PutIntoQueueAsync(ErrorQueue, messageId, "Surveys.Contracts:SurveySubmitted", new
        {
            submissionId = Guid.NewGuid(),
            invitationId = Guid.NewGuid(),
            patientId = patient,
            instrument = "phq9",
            definitionVersion = "1.0.0",
            answers = Enumerable.Range(1, 9).ToDictionary(i => i.ToString(CultureInfo.InvariantCulture), _ => 1),
            submittedAt = DateTimeOffset.UtcNow,
        }, new Dictionary<string, object>
        {
            ["MT-Reason"] = "fault",
            ["MT-Fault-ExceptionType"] = "Microsoft.Data.Sqlite.SqliteException",
            ["MT-Fault-Message"] = "SQLite Error 5: 'database is locked'.",
            ["MT-Fault-Timestamp"] = "2026-12-02T14:05:09.1234567Z",
            ["MT-Fault-MessageType"] = "urn:message:Surveys.Contracts:SurveySubmitted",
            ["MT-Fault-InputAddress"] = $"rabbitmq://127.0.0.1/{Platform.Broker.VirtualHost}/scoring-score-submission",
        });
        Assert.That(await WaitForFailedAsync(n => n == 1), Is.EqualTo(1));

        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, width);
        var page = await context.NewPageAsync();
        await SignInThroughAsync(page, "/pipeline", "operator1", Platform.OperatorPassword, "/pipeline");

        // The broker's queue statistics refresh every few seconds: the page marks the failure once they have.
        await RunningSystem.EventuallyAsync(async () => { await page.ReloadAsync(); return await page.Locator("#failed-messages").CountAsync(); }, n => n > 0, TimeSpan.FromSeconds(20));
        var services = await page.Locator("#services").InnerTextAsync();
        Assert.Multiple(async () =>
        {
            foreach (var service in new[] { "intake", "scoring", "notifier", "portal" })
            {
                Assert.That(services, Does.Match($@"{service}\s+Healthy"), service);
            }

            Assert.That(await page.Locator("#queues").InnerTextAsync(), Does.Contain("scoring-score-submission").And.Contain("notifier-survey-scored"));
            Assert.That(await page.Locator("#verdict").InnerTextAsync(), Does.Contain("Something needs a person"));
            Assert.That(await page.Locator("#failed-messages").InnerTextAsync(), Does.Contain("1 failed message waiting for a person"));
        });
        await ShotAtEachWidthAsync(page, "portal-pipeline");
        await AssertGoodPageAsync(page, "pipeline");

        await NavigateByAsync(page, () => page.GetByRole(AriaRole.Link, new() { Name = "Read why they failed, replay or purge them" }).ClickAsync());
        var failed = await page.Locator($"[id='{ErrorQueue}']").InnerTextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(failed, Does.Contain("1 failed message from the scoring queue"));
            Assert.That(failed, Does.Contain("A submitted survey, to be scored"), "the message type in plain words");
            Assert.That(failed, Does.Contain("SqliteException: SQLite Error 5: 'database is locked'."), "the reason");
            Assert.That(failed, Does.Contain("2 Dec 2026, 14:05 UTC"), "when");
            Assert.That(failed, Does.Contain(messageId.ToString()));
            Assert.That(failed, Does.Not.Contain(patient.ToString()), "never the message's body");
        });
        await ShotAtEachWidthAsync(page, "portal-failed-messages");
        await AssertGoodPageAsync(page, "failed messages");

        await NavigateByAsync(page, () => page.GetByRole(AriaRole.Link, new() { Name = "Replay 1 failed message to the scoring queue" }).ClickAsync());
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Replay 1 failed message to the scoring queue?"));
        await ShotAtEachWidthAsync(page, "portal-replay-confirm");
        await AssertGoodPageAsync(page, "replay confirmation");
        Assert.That(await CountFailedAsync(), Is.EqualTo(1), "nothing moves before the confirmation");

        await PressAsync(page, "Replay");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/pipeline/failed"));
        Assert.That(await page.Locator("#done").InnerTextAsync(), Does.Contain("Replayed 1 failed message to the scoring queue."));
        await AssertGoodPageAsync(page, "after the replay");

        var scores = await RunningSystem.EventuallyAsync(
            async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/patients/{patient}/scores"))!, s => s.Count > 0, TimeSpan.FromSeconds(15));
        Assert.That(scores, Has.Count.EqualTo(1), "the replayed submission was scored");
        Assert.That(await WaitForFailedAsync(n => n == 0), Is.Zero, "the message left the error queue and did not come back");
        var audit = await AuditAsync("errors_replay");
        Assert.That(audit.Any(e => (string)e!["actor"]! == "operator1" && (string)e["target"]! == $"{Platform.Broker.VirtualHost}/{ErrorQueue}" && (string)e["outcome"]! == "replayed 1"),
            Is.True, audit.ToJsonString());
    }

    [Test]
    public async Task The_operator_purges_a_poison_message_after_a_confirmation_and_cancel_keeps_it()
    {
        const int width = 390; // the whole job once, on a phone; every page is also checked and shot at 1280 px
        // A submission of an instrument version nobody knows: it fails every time, so it is purged, not replayed.
        await Platform.Broker.PublishAsync("Surveys.Contracts:SurveySubmitted", new
        {
            submissionId = Guid.NewGuid(),
            invitationId = Guid.NewGuid(),
            patientId = Guid.NewGuid(),
            instrument = "phq9",
            definitionVersion = "0.0.0-unknown",
            answers = new Dictionary<string, int> { ["1"] = 3 },
            submittedAt = DateTimeOffset.UtcNow,
        });
        Assert.That(await WaitForFailedAsync(n => n == 1), Is.EqualTo(1));

        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, width);
        var page = await context.NewPageAsync();
        await SignInThroughAsync(page, "/pipeline/failed", "operator1", Platform.OperatorPassword, "/pipeline/failed");
        var failed = await page.Locator($"[id='{ErrorQueue}']").InnerTextAsync();
        Assert.That(failed, Does.Contain("UnprocessableMessageException").And.Contain("Unknown instrument 'phq9' version '0.0.0-unknown'"), "MassTransit's own fault headers, read");
        Assert.That(failed, Does.Contain("A submitted survey, to be scored"));

        var purge = page.GetByRole(AriaRole.Link, new() { Name = $"Purge 1 failed message from {ErrorQueue}" });
        await NavigateByAsync(page, () => purge.ClickAsync());
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo($"Purge 1 failed message from {ErrorQueue}?"));
        await ShotAtEachWidthAsync(page, "portal-purge-confirm");
        await AssertGoodPageAsync(page, "purge confirmation");

        await NavigateByAsync(page, () => page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync());
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/pipeline/failed"));
        Assert.That(await CountFailedAsync(), Is.EqualTo(1), "cancelled: nothing deleted");

        await NavigateByAsync(page, () => purge.ClickAsync());
        await PressAsync(page, "Purge");
        Assert.That(await page.Locator("#done").InnerTextAsync(), Does.Contain($"Purged the failed messages of {ErrorQueue}."));
        Assert.That(await page.Locator("#none").InnerTextAsync(), Does.Contain("No failed messages"));
        await AssertGoodPageAsync(page, "after the purge");
        Assert.That(await WaitForFailedAsync(n => n == 0), Is.Zero);
        var audit = await AuditAsync("errors_purge");
        Assert.That(audit.Any(e => (string)e!["actor"]! == "operator1" && (string)e["target"]! == $"{Platform.Broker.VirtualHost}/{ErrorQueue}"), Is.True, audit.ToJsonString());
    }

    [Test]
    public async Task A_nurse_cannot_open_the_pipeline_pages()
    {
        await using var context = await Browser.StaffAsync(Platform.Portal.BaseAddress, 390);
        var page = await context.NewPageAsync();
        await SignInThroughAsync(page, "/pipeline/failed", "nurse1", Platform.NursePassword, "/not-allowed");
        var response = await page.GotoAsync($"/pipeline/failed/{ErrorQueue}/purge");
        Assert.That(response!.Status, Is.EqualTo(403));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("This page is not for your role"));
    }

    /// <summary>How many messages the error queue holds now, read and put back (the broker's count lags by seconds).</summary>
    private async Task<int> CountFailedAsync() => (await Platform.Broker.PeekAsync(ErrorQueue, 100)).Count;

    private async Task<int> WaitForFailedAsync(Func<int, bool> done) =>
        await RunningSystem.EventuallyAsync(CountFailedAsync, done, TimeSpan.FromSeconds(15));

    private async Task<JsonArray> AuditAsync(string action) =>
        (await Platform.IntakeClient.GetFromJsonAsync<JsonArray>($"/api/audit?action={action}"))!;
}
