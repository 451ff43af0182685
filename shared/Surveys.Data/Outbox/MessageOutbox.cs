using System.Data;
using System.Text.Json;
using Dapper;
using Surveys.Hosting;
using Surveys.Hosting.Observability;

namespace Surveys.Data.Outbox;

/// <summary>
/// Writes outgoing messages into the caller's transaction, so that a message exists exactly when the
/// data it describes was committed, with the current trace (traceparent) so the publish continues it. Call <see cref="Notify"/> after the commit to wake the relay.
/// </summary>
public sealed class MessageOutbox(TimeProvider time) : IDisposable
{
    private readonly WakeSignal _signal = new();

    public async Task<Guid> EnqueueAsync<T>(IDbConnection connection, IDbTransaction transaction, T message) where T : class
    {
        ArgumentNullException.ThrowIfNull(connection);
        var id = Guid.NewGuid();
        await connection.ExecuteAsync(
            "INSERT INTO outbox (id, message_type, payload, created_at, trace_parent) VALUES (@Id, @Type, @Payload, @CreatedAt, @TraceParent)",
            new { Id = id, Type = typeof(T).Name, Payload = JsonSerializer.Serialize(message, OutboxMessageTypes.Json), CreatedAt = time.GetUtcNow(), TraceParent = OutboxTracing.CurrentTraceParent() },
            transaction);
        return id;
    }

    /// <summary>Tells the relay there is something to publish.</summary>
    public void Notify() => _signal.Notify();

    public void Dispose() => _signal.Dispose();

    internal Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
