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
        // One transaction: the relay sees the rows only once they are all written, just before the writer is held.
        await db.WriteAsync(async (connection, transaction) =>
        {
            for (var i = 0; i < Messages; i++)
            {
                await outbox.EnqueueAsync(connection, transaction, StorageTests.Expired());
            }

            return Messages;
        });

        // Hold the single writer: every "sent" mark queues behind this write until the gate opens. Should a mark have
        // been committed before it, those rows are done: the cap is on rows waiting for their mark.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = db.WriteAsync(async (_, _) => { held.TrySetResult(); await gate.Task; return 0; });
        try
        {
            await held.Task;
            var markedBefore = (int)await host.CountAsync("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL");
            Assert.That(markedBefore, Is.LessThanOrEqualTo(Messages - 400), "enough rows are left to reach the cap");
            var cap = markedBefore + 400;
            outbox.Notify();

            // The relay publishes batch after batch without its marks, up to 400 rows waiting for theirs, and then waits.
            Assert.That(await host.WaitForPublishedAsync<InvitationExpired>(cap), Is.EqualTo(cap));
            // Woken again (as its idle poll would), the relay finds 400 rows waiting for their marks and waits for a mark
            // rather than publish more: the count holds for longer than the relay's idle poll, and fails at once if not.
            outbox.Notify();
            Assert.That(await PublishedStaysAtAsync(host, cap, TimeSpan.FromSeconds(1.5)), Is.EqualTo(cap), "at most 400 rows wait for their mark");
            Assert.That(await host.CountAsync("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"), Is.EqualTo(Messages - markedBefore), "no mark is committed while the writer is held");
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

    /// <summary>
    /// Checks, over <paramref name="during"/>, that no more than <paramref name="expected"/> messages are published; returns the
    /// count as soon as it goes past (failing at once), or at the end. A check that something does not happen needs a span
    /// of time; this one ends early on failure, unlike a sleep.
    /// </summary>
    private static async Task<int> PublishedStaysAtAsync(HarnessHost host, int expected, TimeSpan during)
    {
        var until = DateTime.UtcNow + during;
        var count = host.Harness.Published.Select<InvitationExpired>().Count();
        while (count <= expected && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
            count = host.Harness.Published.Select<InvitationExpired>().Count();
        }

        return count;
    }
}
