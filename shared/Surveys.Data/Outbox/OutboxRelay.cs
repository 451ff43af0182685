using System.Data.Common;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Hosting;
using Surveys.Hosting.Observability;

namespace Surveys.Data.Outbox;

/// <summary>
/// Publishes committed outbox rows in the order they were written, with the row id as message id,
/// and marks each sent once the broker has confirmed it. While the broker is away it backs off and
/// tries again; nothing is dropped. A row may be published twice (a crash between the confirm and
/// the mark), so consumers are idempotent on the message's own key; but two relays (two instances on one
/// PostgreSQL database) never publish the same row at the same time.
/// </summary>
/// <remarks>
/// On SQLite (one process) the relay does not wait for a batch's "sent" marks to be committed before it reads and
/// publishes the next batch: the marks join the single writer's next group commit, and rows whose mark is still on its
/// way are skipped (at most 400 of them). PostgreSQL relays hold their claimed rows until the marks commit. Why, with
/// the figures: docs/benchmarks.md, "The relay goes on while its marks wait for the writer".
/// </remarks>
public sealed partial class OutboxRelay(
    Db db, MessageOutbox outbox, IBus bus, Heartbeats heartbeats, TimeProvider time, IOptions<OutboxOptions> options, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    /// <summary>The relay's name among the service's background loops (<see cref="Heartbeats"/>).</summary>
    public const string LoopName = "outbox relay";

    private const int BatchSize = 100;

    // At most this many published rows wait for their mark before the relay waits for the marks in flight.
    private const int MaxMarking = 4 * BatchSize;
    private static readonly TimeSpan MarkWaitOnStop = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    // Each attempt has a time limit (the inner timeout), and a publish given up on is tried again like any failure:
    // also a cancellation the relay did not ask for (the client cancels a confirm wait when its channel dies).
    private readonly ResiliencePipeline _publishPipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } ex && !(ex is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(15),
            OnRetry = args =>
            {
                heartbeats.Failed(LoopName, args.Outcome.Exception);
                LogPublishRetry(logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.GetType().Name ?? "unknown");
                return default;
            },
        })
        .AddTimeout(options.Value.PublishTimeout)
        .Build();

    private sealed record Row(Guid Id, string MessageType, string Payload, string? TraceParent);

    // SQLite only: the "sent" marks not yet committed, each with the ids (as stored) of the rows it marks.
    private sealed record PendingMark(Task Done, string[] Ids);

    private readonly List<PendingMark> _pendingMarks = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(LoopName, options.Value.StallAfter);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await PublishPendingAsync(stoppingToken);
                if (published == 0)
                {
                    // Nothing left to publish is progress too: a stall is rows waiting with no publish confirmed.
                    Progress();
                    await outbox.WaitAsync(IdlePoll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Whatever failed (a locked store, a bug), the relay goes on after a pause; only a store's error is
                // logged whole.
                heartbeats.Failed(LoopName, ex);
                LogPassFailed(logger, ex.GetType().Name, ex as DbException);
                await Task.Delay(IdlePoll, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        // A clean stop leaves nothing published and unmarked, unless the store is stuck: then those rows are published
        // again after the restart, as after a crash.
        await WhenMarkedAsync(0).WaitAsync(MarkWaitOnStop, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void Progress()
    {
        if (heartbeats.Progress(LoopName) is var failures and > 0)
        {
            LogResumed(logger, failures);
        }
    }

    /// <summary>
    /// Publishes one batch of pending rows; returns how many were handled. On PostgreSQL, where several instances
    /// relay one outbox, the batch is claimed with FOR UPDATE SKIP LOCKED and stays locked, in one transaction,
    /// until its rows are marked sent: another relay skips them, and a relay that dies lets go of them with its
    /// connection. On SQLite there is one process, and the batch is read without holding the single writer.
    /// </summary>
    public async Task<int> PublishPendingAsync(CancellationToken cancellationToken)
    {
        if (db.Engine != StorageEngine.Postgres)
        {
            return await PublishAsync(null, null, cancellationToken);
        }

        // One plain transaction, not Db.WriteAsync: that runs its work again after a lost race, and this work
        // publishes to the broker, which no rollback takes back.
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var handled = await PublishAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return handled;
    }

    private async Task<int> PublishAsync(DbConnection? claimed, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var select = $"SELECT id AS Id, message_type AS MessageType, payload AS Payload, trace_parent AS TraceParent FROM outbox WHERE sent_at IS NULL AND last_error IS NULL ORDER BY created_at, {db.InsertionOrder} LIMIT @BatchSize";
        List<Row> rows;
        if (claimed is null)
        {
            // Rows published whose mark is not committed yet are still unsent: the read leaves them out. The ids are
            // taken before the read, so a mark committed in between cannot let its rows through again.
            await WhenMarkedAsync(MaxMarking - BatchSize);
            var marking = PendingMarks().SelectMany(mark => mark.Ids).ToArray();
            if (marking.Length > 0)
            {
                select = select.Replace("WHERE sent_at IS NULL", "WHERE id NOT IN @Marking AND sent_at IS NULL", StringComparison.Ordinal);
            }

            await using var connection = await db.OpenAsync(cancellationToken);
            rows = (await connection.QueryAsync<Row>(new CommandDefinition(select, new { BatchSize, Marking = marking }, cancellationToken: cancellationToken))).AsList();
        }
        else
        {
            rows = (await claimed.QueryAsync<Row>(new CommandDefinition(select + " FOR UPDATE SKIP LOCKED", new { BatchSize }, transaction, cancellationToken: cancellationToken))).AsList();
        }

        // Publish the batch concurrently (each waits for its broker confirm), then mark every confirmed row
        // sent in one transaction: one disk sync per batch instead of one per message. Rows of one batch
        // may arrive out of order; consumers never depend on order.
        var confirmed = new List<Guid>(rows.Count);
        var unknown = new List<Row>();
        await Task.WhenAll(rows.Select(async row =>
        {
            var type = OutboxMessageTypes.Find(row.MessageType);
            var message = type is null ? null : Read(row.Payload, type);
            if (type is null || message is null)
            {
                lock (unknown)
                {
                    unknown.Add(row);
                }

                return;
            }

            // A child of the trace the row was written in, so MassTransit's send activity (and the consumers'
            // activities after it) continue the submission's trace rather than starting a new one.
            using (OutboxTracing.StartPublish(row.MessageType, row.TraceParent))
            {
                await _publishPipeline.ExecuteAsync(
                    async token => await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = row.Id), token),
                    cancellationToken);
            }

            Progress();
            if (message is PatientAlertRaised alert)
            {
                SurveysMetrics.AlertRaised(alert.Rule, alert.Severity);
            }

            lock (confirmed)
            {
                confirmed.Add(row.Id);
            }
        }));

        foreach (var row in unknown)
        {
            // Cannot be published by this build: keep the row for an operator, stop retrying it.
            var error = OutboxMessageTypes.Find(row.MessageType) is null ? $"unknown message type '{row.MessageType}'" : $"unreadable payload for '{row.MessageType}'";
            await MarkAsync(claimed, transaction, "UPDATE outbox SET last_error = @Error, attempts = attempts + 1 WHERE id = @Id", new { row.Id, Error = error }, cancellationToken);
            LogUnknownType(logger, row.Id, row.MessageType);
        }

        if (confirmed.Count > 0 && claimed is null)
        {
            MarkSentSoon(confirmed);
        }
        else if (confirmed.Count > 0)
        {
            await MarkAsync(claimed, transaction, MarkSentSql, SentParameters(confirmed), cancellationToken);
        }

        return rows.Count;
    }

    private static object? Read(string payload, Type type)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, type, OutboxMessageTypes.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Marks the rows sent in the writer's next commit without waiting for it. Until then the rows are left out of the
    /// relay's reads; if the mark fails they are published again (consumers are idempotent), as after a crash between
    /// confirm and mark.
    /// </summary>
    private void MarkSentSoon(List<Guid> ids)
    {
        var mark = new PendingMark(MarkSentAsync(ids), ids.Select(id => id.ToString("D")).ToArray());
        lock (_pendingMarks)
        {
            _pendingMarks.Add(mark);
        }
    }

    private async Task MarkSentAsync(List<Guid> ids)
    {
        try
        {
            await MarkAsync(null, null, MarkSentSql, SentParameters(ids), CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbException or ObjectDisposedException)
        {
            LogStoreFailure(logger, ex);
            outbox.Notify();
        }
    }

    /// <summary>The marks not committed yet (a finished one has committed, or failed and leaves its rows to the relay).</summary>
    private PendingMark[] PendingMarks()
    {
        lock (_pendingMarks)
        {
            _pendingMarks.RemoveAll(mark => mark.Done.IsCompleted);
            return [.. _pendingMarks];
        }
    }

    /// <summary>Waits until no more than <paramref name="most"/> published rows wait for their mark.</summary>
    private async Task WhenMarkedAsync(int most)
    {
        for (var pending = PendingMarks(); pending.Sum(mark => mark.Ids.Length) > most; pending = PendingMarks())
        {
            await Task.WhenAny(pending.Select(mark => mark.Done));
        }
    }

    private string MarkSentSql => $"UPDATE outbox SET sent_at = @SentAt, attempts = attempts + 1 WHERE {db.Sql("id IN @Ids", "id = ANY(@Ids)")}";

    // The ids as a list parameter: Dapper expands it for SQLite, without the Guid handler, so as the ids' text; for
    // PostgreSQL it passes a uuid[] whole.
    private object SentParameters(List<Guid> ids) => db.Engine == StorageEngine.Postgres
        ? new { Ids = ids.ToArray(), SentAt = time.GetUtcNow() }
        : new { Ids = ids.Select(id => id.ToString("D")).ToArray(), SentAt = time.GetUtcNow() };

    private async Task MarkAsync(DbConnection? claimed, DbTransaction? transaction, string sql, object parameters, CancellationToken cancellationToken)
    {
        if (claimed is null)
        {
            await db.ExecuteAsync(sql, parameters, cancellationToken);
        }
        else
        {
            await claimed.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox publish failed ({ExceptionType}); attempt {Attempt} in {DelayMs} ms")]
    private static partial void LogPublishRetry(ILogger logger, int attempt, double delayMs, string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} of type {MessageType} cannot be published by this build (unknown type or unreadable payload); left for an operator")]
    private static partial void LogUnknownType(ILogger logger, Guid id, string messageType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox store unavailable")]
    private static partial void LogStoreFailure(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox relay pass failed ({ExceptionType}); trying again shortly")]
    private static partial void LogPassFailed(ILogger logger, string exceptionType, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay resumed publishing after {Failures} failed attempt(s)")]
    private static partial void LogResumed(ILogger logger, int failures);
}
