using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Surveys.Contracts;
using Surveys.ServiceDefaults.Data;
using Surveys.ServiceDefaults.Observability;

namespace Surveys.ServiceDefaults.Outbox;

/// <summary>
/// Publishes committed outbox rows in the order they were written, with the row id as message id,
/// and marks each sent once the broker has confirmed it. While the broker is away it backs off and
/// tries again; nothing is dropped. A row may be published twice (a crash between the confirm and
/// the mark), so consumers are idempotent on the message's own key.
/// </summary>
public sealed partial class OutboxRelay(Db db, MessageOutbox outbox, IBus bus, TimeProvider time, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    private readonly ResiliencePipeline _publishPipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(15),
            OnRetry = args =>
            {
                LogPublishRetry(logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.GetType().Name ?? "unknown");
                return default;
            },
        })
        .Build();

    private sealed record Row(Guid Id, string MessageType, string Payload, string? TraceParent);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await PublishPendingAsync(stoppingToken);
                if (published == 0)
                {
                    await outbox.WaitAsync(IdlePoll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException)
            {
                LogStoreFailure(logger, ex);
                await Task.Delay(IdlePoll, time, stoppingToken);
            }
        }
    }

    /// <summary>Publishes one batch of pending rows; returns how many were handled.</summary>
    public async Task<int> PublishPendingAsync(CancellationToken cancellationToken)
    {
        List<Row> rows;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            rows = (await connection.QueryAsync<Row>(
                "SELECT id AS Id, message_type AS MessageType, payload AS Payload, trace_parent AS TraceParent FROM outbox WHERE sent_at IS NULL AND last_error IS NULL ORDER BY created_at, rowid LIMIT @BatchSize",
                new { BatchSize })).AsList();
        }

        // Publish the batch concurrently (each waits for its broker confirm), then mark every confirmed row
        // sent in one transaction: one disk sync per batch instead of one per message. Rows of one batch
        // may arrive out of order; consumers never depend on order.
        var confirmed = new List<string>(rows.Count);
        await Task.WhenAll(rows.Select(async row =>
        {
            var type = OutboxMessageTypes.Find(row.MessageType);
            var message = type is null ? null : JsonSerializer.Deserialize(row.Payload, type, OutboxMessageTypes.Json);
            if (type is null || message is null)
            {
                // Cannot be published by this build: keep the row for an operator, stop retrying it.
                await MarkAsync("UPDATE outbox SET last_error = @Error, attempts = attempts + 1 WHERE id = @Id", new { row.Id, Error = $"unknown message type '{row.MessageType}'" }, cancellationToken);
                LogUnknownType(logger, row.Id, row.MessageType);
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

            if (message is PatientAlertRaised alert)
            {
                SurveysMetrics.AlertRaised(alert.Rule, alert.Severity);
            }

            lock (confirmed)
            {
                confirmed.Add(row.Id.ToString("D"));
            }
        }));

        if (confirmed.Count > 0)
        {
            await MarkAsync("UPDATE outbox SET sent_at = @SentAt, attempts = attempts + 1 WHERE id IN @Ids", new { Ids = confirmed, SentAt = time.GetUtcNow() }, cancellationToken);
        }

        return rows.Count;
    }

    private async Task MarkAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await db.ExecuteAsync(sql, parameters, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox publish failed ({ExceptionType}); attempt {Attempt} in {DelayMs} ms")]
    private static partial void LogPublishRetry(ILogger logger, int attempt, double delayMs, string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} has unknown message type {MessageType}; left for an operator")]
    private static partial void LogUnknownType(ILogger logger, Guid id, string messageType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox store unavailable")]
    private static partial void LogStoreFailure(ILogger logger, Exception exception);
}
