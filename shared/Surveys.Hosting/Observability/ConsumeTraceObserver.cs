using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Surveys.Hosting.Observability;

/// <summary>
/// At Debug level (category Surveys.Hosting.Observability), logs each consumed message's type and trace id:
/// a way to follow one submission's trace across the services' logs without a collector. Never the message body.
/// </summary>
internal sealed partial class ConsumeTraceObserver(ILogger<ConsumeTraceObserver> logger) : IConsumeObserver
{
    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var traceId = Activity.Current?.TraceId.ToHexString() ?? "none";
            LogConsumed(logger, typeof(T).Name, traceId);
        }

        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Consumed {MessageType} in trace {ConsumeTraceId}")]
    private static partial void LogConsumed(ILogger logger, string messageType, string consumeTraceId);
}
