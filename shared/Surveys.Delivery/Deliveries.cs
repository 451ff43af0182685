using System.Data;
using Dapper;
using Microsoft.Extensions.Logging;
using Surveys.Data;

namespace Surveys.Delivery;

/// <summary>A message to queue: what kind, to whom and by which channel, what it is about, and whether it is to be sent once only.</summary>
/// <param name="Kind">The caller's kind (intake: invitation, reminder; the notifier: alert, escalation, digest ...).</param>
/// <param name="Recipient">Who, as the caller knows them: a patient's id, a contact's name. Never an address: that is read at send time.</param>
/// <param name="Channel">The channel it goes by: email, sms, webhook, outbox.</param>
/// <param name="About">What it tells about (an invitation, an alert); the caller joins on it.</param>
/// <param name="OnceKey">With a key, a second message with the same key is not queued (a visit's message per channel, an escalation step per contact).</param>
/// <param name="Details">JSON the caller needs to write the text; never a patient's data.</param>
public sealed record QueuedMessage(string Kind, string Recipient, string Channel, Guid? About = null, string? OnceKey = null, string? Details = null);

/// <summary>A row the sender has leased: the queue's columns; the caller reads the rest (an address, a link) in the same transaction.</summary>
public sealed record ClaimedMessage(Guid Id, string Kind, string Recipient, string Channel, Guid? About, string? Details, DateTimeOffset CreatedAt, int Attempts);

/// <summary>
/// The durable queue of messages to people (<c>delivery_messages</c>, the delivery module's table, migrated as module
/// <c>delivery</c>): enqueue in the caller's transaction, rows due now, a short lease so only one instance sends a row,
/// then sent, cancelled, or due again later with <see cref="DeliveryRetry"/> (given up after the last attempt).
/// </summary>
public sealed partial class Deliveries(Db db, TimeProvider time, ILogger<Deliveries> logger)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private const string Open = "sent_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)";

    /// <summary>Queues <paramref name="message"/> inside the caller's transaction; false when its <see cref="QueuedMessage.OnceKey"/> was queued before.</summary>
    public static async Task<bool> EnqueueAsync(IDbConnection connection, IDbTransaction transaction, QueuedMessage message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(message);
        return await connection.ExecuteAsync(
            """
            INSERT INTO delivery_messages (id, once_key, kind, recipient, channel, about, details, created_at, next_attempt_at)
            VALUES (@id, @OnceKey, @Kind, @Recipient, @Channel, @About, @Details, @now, @now)
            ON CONFLICT (once_key) DO NOTHING
            """,
            new { id = Guid.NewGuid(), message.OnceKey, message.Kind, message.Recipient, message.Channel, message.About, message.Details, now },
            transaction) > 0;
    }

    /// <summary>Ids of messages due now, oldest first.</summary>
    public async Task<IReadOnlyList<Guid>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition(
            $"SELECT id FROM delivery_messages WHERE {Open} ORDER BY next_attempt_at, created_at LIMIT @limit", new { now, limit }, cancellationToken: ct));
        return ids.AsList();
    }

    /// <summary>
    /// Takes the message for <see cref="Lease"/> (counting an attempt) inside the caller's transaction and reads it;
    /// null when it is not due or someone else holds it.
    /// </summary>
    public static async Task<ClaimedMessage?> TryClaimAsync(IDbConnection connection, IDbTransaction transaction, Guid id, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var leased = await connection.ExecuteAsync(
            $"UPDATE delivery_messages SET lease_until = @leaseUntil, attempts = attempts + 1 WHERE id = @id AND {Open}",
            new { id, now, leaseUntil = now + Lease },
            transaction);
        if (leased == 0)
        {
            return null;
        }

        var row = await connection.QuerySingleAsync<Row>(
            """
            SELECT id AS Id, kind AS Kind, recipient AS Recipient, channel AS Channel, about AS About, details AS Details, created_at AS CreatedAt, attempts AS Attempts
            FROM delivery_messages WHERE id = @id
            """,
            new { id },
            transaction);
        return new ClaimedMessage(row.Id, row.Kind, row.Recipient, row.Channel, row.About, row.Details, row.CreatedAt, (int)row.Attempts);
    }

    /// <summary>
    /// Sends a claimed message through <paramref name="sender"/> and marks it sent; when the send throws, the message is due
    /// again after <see cref="DeliveryRetry.Delay"/> (capped at <see cref="DeliveryOptions.MaxRetryDelay"/>), or given up
    /// after <see cref="DeliveryOptions.MaxAttempts"/>. Only the exception's type is kept or logged: a message can hold an address.
    /// </summary>
    public async Task<bool> SendAsync(ClaimedMessage claimed, IMessageSender sender, OutgoingMessage message, DeliveryOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            await sender.SendAsync(message, ct);
            await MarkSentAsync(claimed.Id, sender.Name, time.GetUtcNow(), ct);
            LogSent(logger, claimed.Id, claimed.Kind, sender.Name);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var giveUp = DeliveryRetry.GiveUp(claimed.Attempts, options.MaxAttempts);
            var now = time.GetUtcNow();
            await RetryLaterAsync(claimed.Id, ex.GetType().Name, now + DeliveryRetry.Delay(claimed.Attempts, options.MaxRetryDelay), giveUp, now, ct);
            LogFailed(logger, claimed.Id, claimed.Kind, sender.Name, claimed.Attempts, ex.GetType().Name, giveUp);
            return false;
        }
    }

    public Task MarkSentAsync(Guid id, string via, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync("UPDATE delivery_messages SET sent_at = @now, sent_via = @via, lease_until = NULL WHERE id = @id", new { id, via, now }, ct);

    /// <summary>The message is no longer needed (<paramref name="reason"/>, e.g. "link closed", "acknowledged"): it will not be sent.</summary>
    public async Task CancelAsync(Guid id, string reason, CancellationToken ct)
    {
        await db.ExecuteAsync(
            "UPDATE delivery_messages SET cancelled_at = @now, last_error = @reason, lease_until = NULL WHERE id = @id", new { id, reason, now = time.GetUtcNow() }, ct);
        LogCancelled(logger, id, reason);
    }

    /// <summary>Schedules another attempt, or gives up (failed_at) after the last one.</summary>
    public Task RetryLaterAsync(Guid id, string error, DateTimeOffset nextAttempt, bool giveUp, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync(
            """
            UPDATE delivery_messages SET lease_until = NULL, last_error = @error, next_attempt_at = @nextAttempt,
                                         failed_at = CASE WHEN @giveUp THEN @now ELSE NULL END
            WHERE id = @id
            """,
            new { id, error, nextAttempt, giveUp, now },
            ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Kind}) sent via {Sender}")]
    private static partial void LogSent(ILogger logger, Guid deliveryId, string kind, string sender);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} cancelled: {Reason}")]
    private static partial void LogCancelled(ILogger logger, Guid deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} ({Kind}) via {Sender} failed on attempt {Attempt} ({ExceptionType}); gave up: {GaveUp}")]
    private static partial void LogFailed(ILogger logger, Guid deliveryId, string kind, string sender, int attempt, string exceptionType, bool gaveUp);

#pragma warning disable CA1812 // Dapper instantiates it
    private sealed class Row
    {
        public Guid Id { get; set; }
        public string Kind { get; set; } = "";
        public string Recipient { get; set; } = "";
        public string Channel { get; set; } = "";
        public Guid? About { get; set; }
        public string? Details { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public long Attempts { get; set; }
    }
#pragma warning restore CA1812
}
