using System.Diagnostics;

namespace Surveys.Hosting.Observability;

/// <summary>The "Surveys.Outbox" activity source: the relay's publish continues the trace the row was written in.</summary>
public static class OutboxTracing
{
    public const string SourceName = "Surveys.Outbox";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The W3C traceparent of the current activity, kept with an outbox row; null outside a trace.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Starts the relay's publish activity as a child of the stored traceparent (a new trace without one).</summary>
    public static Activity? StartPublish(string messageType, string? traceParent)
    {
        var activity = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity($"outbox publish {messageType}", ActivityKind.Producer, parent)
            : Source.StartActivity($"outbox publish {messageType}", ActivityKind.Producer);
        activity?.SetTag("messaging.message.type", messageType);
        return activity;
    }
}
