using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Testing;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Hosting;
using Surveys.Data.Outbox;

namespace Surveys.UnitTests.Data;

/// <summary>
/// Issue 19: after a broker node restart, RabbitMQ.Client 7.2.2 can wait for ever for a publisher confirm, and the
/// relay waited with it: its whole batch, and every row after it, sat unpublished while the bus looked healthy, with
/// nothing in the log. The relay must give a publish up after its time limit and try again, survive any failure,
/// report itself stalled when it confirms nothing for longer than its threshold, and say when it publishes again.
/// </summary>
public class RelayFailureTests
{
    private const int Messages = 50;

    /// <summary>Scoring's store and relay on the in-memory harness; <paramref name="onPublish"/> sees every publish attempt (1, 2, ...).</summary>
    private static async Task<HarnessHost> StartAsync(Func<int, CancellationToken, Task> onPublish, string stallAfter = "00:01:00")
    {
        var attempts = 0;
        return await HarnessHost.StartAsync(
            "Surveys.Scoring",
            builder =>
            {
                builder.Configuration["Outbox:PublishTimeout"] = "00:00:00.200";
                builder.Configuration["Outbox:StallAfter"] = stallAfter;
                builder.Services.AddFakeLogging();
                builder.AddStore("scoring.db", typeof(Surveys.Scoring.Scoring.ScoreStore).Assembly).AddOutbox();
            },
            bus => bus.UsingInMemory((context, cfg) =>
            {
                cfg.ConfigurePublish(publish => publish.UseExecuteAsync(publishing => onPublish(Interlocked.Increment(ref attempts), publishing.CancellationToken)));
                cfg.ConfigureEndpoints(context);
            }),
            StorageEngine.Sqlite);
    }

    private static async Task<List<Guid>> WriteAsync(HarnessHost host, int count)
    {
        var db = host.Services.GetRequiredService<Db>();
        var outbox = host.Services.GetRequiredService<MessageOutbox>();
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await db.WriteAsync((connection, transaction) => outbox.EnqueueAsync(connection, transaction, StorageTests.Expired())));
        }

        outbox.Notify();
        return ids;
    }

    private static async Task<HealthReportEntry> BackgroundAsync(HarnessHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == Heartbeats.CheckName)).Entries[Heartbeats.CheckName];

    [Test]
    public async Task A_publish_whose_confirm_never_comes_is_given_up_after_its_time_limit_and_the_relay_goes_on()
    {
        var attempts = 0;
        await using var host = await StartAsync(async (attempt, token) =>
        {
            attempts = attempt;
            if (attempt == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, token); // a confirm that never comes
            }
        });
        await WriteAsync(host, Messages);

        Assert.That(await host.WaitForPublishedAsync<InvitationExpired>(Messages), Is.EqualTo(Messages), "every row is published, the hung one again");
        Assert.That(await host.UnsentAfterWaitingAsync(), Is.Zero);
        Assert.That(attempts, Is.EqualTo(Messages + 1), "one attempt was given up and made again");
        Assert.That(host.Harness.Published.Select<InvitationExpired>().Select(m => m.Context.MessageId), Is.Unique, "the hung publish never went out");
    }

    [Test]
    public async Task A_publish_cancelled_by_the_client_itself_is_tried_again_and_the_relay_goes_on()
    {
        // The client cancels its own confirm wait when the channel under it dies: not a stop of the relay.
        await using var host = await StartAsync((attempt, _) => attempt == 1 ? throw new TaskCanceledException("channel closed") : Task.CompletedTask);
        await WriteAsync(host, Messages);

        Assert.That(await host.WaitForPublishedAsync<InvitationExpired>(Messages), Is.EqualTo(Messages), "every row is published");
        Assert.That(await host.UnsentAfterWaitingAsync(), Is.Zero);
    }

    [Test]
    public async Task A_row_whose_payload_cannot_be_read_is_left_for_an_operator_and_the_rows_behind_it_go_out()
    {
        await using var host = await StartAsync((_, _) => Task.CompletedTask);
        var db = host.Services.GetRequiredService<Db>();
        var outbox = host.Services.GetRequiredService<MessageOutbox>();
        var broken = await db.WriteAsync(async (connection, transaction) =>
        {
            var id = await outbox.EnqueueAsync(connection, transaction, StorageTests.Expired());
            await connection.ExecuteAsync("UPDATE outbox SET payload = '{not json' WHERE id = @Id", new { Id = id }, transaction);
            return id;
        });
        await WriteAsync(host, Messages);

        Assert.That(await host.WaitForPublishedAsync<InvitationExpired>(Messages), Is.EqualTo(Messages), "the rows behind it are published");
        var error = await Eventually.ReadAsync(
            async () =>
            {
                await using var connection = await db.OpenAsync();
                return await connection.ExecuteScalarAsync<string?>("SELECT last_error FROM outbox WHERE id = @Id", new { Id = broken });
            },
            value => value is not null);
        Assert.That(error, Does.StartWith("unreadable payload"), "kept for an operator, never retried for ever");
    }

    [Test]
    public async Task A_relay_that_confirms_nothing_past_its_threshold_fails_readiness_and_says_when_it_publishes_again()
    {
        var brokerAway = true;
        await using var host = await StartAsync(
            async (_, token) =>
            {
                if (Volatile.Read(ref brokerAway))
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, token); // every confirm is lost
                }
            },
            stallAfter: "00:00:01");
        await WriteAsync(host, 5);

        var stalled = await Eventually.ReadAsync(() => BackgroundAsync(host), entry => entry.Status == HealthStatus.Unhealthy);
        Assert.Multiple(() =>
        {
            Assert.That(stalled.Status, Is.EqualTo(HealthStatus.Unhealthy), "readiness fails while rows wait and nothing is confirmed");
            Assert.That(stalled.Description, Does.StartWith("outbox relay: no progress for").And.Contains("last TimeoutRejectedException"));
            Assert.That(stalled.Data[Heartbeats.StalledKey], Is.EqualTo(OutboxRelay.LoopName));
        });

        Volatile.Write(ref brokerAway, false);
        Assert.That(await host.WaitForPublishedAsync<InvitationExpired>(5), Is.EqualTo(5));
        var recovered = await Eventually.ReadAsync(() => BackgroundAsync(host), entry => entry.Status == HealthStatus.Healthy);
        var log = host.Services.GetFakeLogCollector().GetSnapshot().Select(record => record.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(recovered.Status, Is.EqualTo(HealthStatus.Healthy), "publishing again clears the stall");
            Assert.That(log, Has.Some.Contains("Outbox publish failed (TimeoutRejectedException)"), "each given-up attempt is logged");
            Assert.That(log, Has.Some.Match("^Outbox relay resumed publishing after [0-9]+ failed attempt"), "the relay says when it works again");
        });
    }
}
