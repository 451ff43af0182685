using MassTransit;

namespace Surveys.Hosting.Observability;

/// <summary>Counts every consume attempt that threw (surveys.consumer.faults), by message and exception type.</summary>
internal sealed class ConsumeFaultObserver : IConsumeObserver
{
    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        SurveysMetrics.ConsumerFault(typeof(T).Name, exception?.GetType().Name ?? "unknown");
        return Task.CompletedTask;
    }
}
