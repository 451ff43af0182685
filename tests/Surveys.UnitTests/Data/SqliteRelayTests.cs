using Microsoft.Extensions.DependencyInjection;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Data.Outbox;

namespace Surveys.UnitTests.Data;

/// <summary>
/// The SQLite relay's own behaviour: it does not wait for a batch's "sent" marks before the next batch. (PostgreSQL
/// relays hold their batch's row locks until the marks commit: <see cref="SeveralInstancesTests"/>.)
/// </summary>
public class SqliteRelayTests
{
    [Test]
    public async Task The_relay_goes_on_while_its_marks_wait_for_the_writer_and_publishes_no_row_twice()
    {
        await using var host = await HarnessHost.StartOutboxAsync(StorageEngine.Sqlite);
        var db = host.Services.GetRequiredService<Db>();
        var outbox = host.Services.GetRequiredService<MessageOutbox>();
        const int Messages = 500;
        for (var i = 0; i < Messages; i++)
        {
            await db.WriteAsync((connection, transaction) => outbox.EnqueueAsync(connection, transaction, StorageTests.Expired()));
        }

        // Hold the single writer: every "sent" mark queues behind this write until the gate opens.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = db.WriteAsync(async (_, _) => { await gate.Task; return 0; });
        outbox.Notify();

        try
        {
            // The relay publishes batch after batch without its marks, up to 400 rows waiting for theirs, and then waits.
            Assert.That(await host.WaitForPublishedAsync<InvitationExpired>(400), Is.EqualTo(400));
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // longer than the relay's idle poll: it looks again meanwhile
            Assert.That(host.Harness.Published.Select<InvitationExpired>().Count(), Is.EqualTo(400), "at most 400 rows wait for their mark");
            Assert.That(await host.CountAsync("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"), Is.EqualTo(Messages), "no mark is committed while the writer is held");
        }
        finally
        {
            gate.TrySetResult();
        }

        await holding;
        Assert.That(await host.WaitForPublishedAsync<InvitationExpired>(Messages), Is.EqualTo(Messages));
        Assert.That(await host.UnsentAfterWaitingAsync(), Is.Zero);
        var published = host.Harness.Published.Select<InvitationExpired>().Select(m => m.Context.MessageId!.Value).ToList();
        Assert.That(published, Has.Count.EqualTo(Messages), "no row was published twice");
        Assert.That(published, Is.Unique);
        Assert.That(await host.CountAsync("SELECT COUNT(*) FROM outbox WHERE attempts = 1"), Is.EqualTo(Messages));
    }
}
