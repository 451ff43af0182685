using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Contracts;
using Surveys.ServiceDefaults.Data;
using Surveys.ServiceDefaults.Outbox;

namespace Surveys.UnitTests.Data;

/// <summary>
/// Issue 19: after a broker node restart, RabbitMQ.Client 7.2.2 can wait for ever for a publisher confirm, and the
/// relay waited with it: its whole batch, and every row after it, sat unpublished while the bus looked healthy. Here
/// the first publish never completes (as that confirm never came); the relay must give it up after its time limit,
/// publish it again and go on.
/// </summary>
public class RelayTimeLimitTests
{
    [Test]
    public async Task A_publish_whose_confirm_never_comes_is_given_up_after_its_time_limit_and_the_relay_goes_on()
    {
        var attempts = 0;
        await using var host = await HarnessHost.StartAsync(
            "Surveys.Scoring",
            builder =>
            {
                builder.Configuration["Outbox:PublishTimeout"] = "00:00:00.300";
                builder.AddStore("scoring.db", typeof(Surveys.Scoring.Data.ScoreStore).Assembly).AddOutbox();
            },
            bus => bus.UsingInMemory((context, cfg) =>
            {
                // The first publish hangs until it is cancelled: a confirm that never comes.
                cfg.ConfigurePublish(publish => publish.UseExecuteAsync(async publishing =>
                {
                    if (Interlocked.Increment(ref attempts) == 1)
                    {
                        await Task.Delay(Timeout.InfiniteTimeSpan, publishing.CancellationToken);
                    }
                }));
                cfg.ConfigureEndpoints(context);
            }),
            StorageEngine.Sqlite);
        var db = host.Services.GetRequiredService<Db>();
        var outbox = host.Services.GetRequiredService<MessageOutbox>();
        const int Messages = 50;
        for (var i = 0; i < Messages; i++)
        {
            await db.WriteAsync((connection, transaction) => outbox.EnqueueAsync(connection, transaction, StorageTests.Expired()));
        }

        outbox.Notify();

        Assert.That(await host.WaitForPublishedAsync<InvitationExpired>(Messages), Is.EqualTo(Messages), "every row is published, the hung one again");
        Assert.That(await host.UnsentAfterWaitingAsync(), Is.Zero);
        Assert.That(attempts, Is.EqualTo(Messages + 1), "one attempt was given up and made again");
        Assert.That(host.Harness.Published.Select<InvitationExpired>().Select(m => m.Context.MessageId), Is.Unique, "the hung publish never went out");
    }
}
