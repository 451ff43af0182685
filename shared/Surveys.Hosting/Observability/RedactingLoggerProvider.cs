using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Surveys.Hosting.Observability;

/// <summary>
/// Wraps every logger provider so that no link token reaches a log by any path: ASP.NET Core's request scope
/// (<c>RequestPath</c>), a message, a structured value, or an exception's text (<see cref="LinkRedaction"/>).
/// </summary>
/// <param name="ownsInner">Whether disposing this disposes <paramref name="inner"/> (when the container does not).</param>
internal sealed class RedactingLoggerProvider(ILoggerProvider inner, bool ownsInner) : ILoggerProvider, ISupportExternalScope
{
    /// <summary>Wraps the logger providers registered so far; call after the last one is added.</summary>
    public static void WrapAll(ILoggingBuilder logging)
    {
        foreach (var descriptor in logging.Services.Where(d => d.ServiceType == typeof(ILoggerProvider)).ToList())
        {
            logging.Services.Remove(descriptor);
            if (descriptor.ImplementationType is { } type)
            {
                logging.Services.TryAddSingleton(type); // the container creates and disposes the provider itself
                logging.Services.AddSingleton<ILoggerProvider>(sp => new RedactingLoggerProvider((ILoggerProvider)sp.GetRequiredService(type), ownsInner: false));
            }
            else if (descriptor.ImplementationInstance is ILoggerProvider instance)
            {
                logging.Services.AddSingleton<ILoggerProvider>(new RedactingLoggerProvider(instance, ownsInner: false));
            }
            else if (descriptor.ImplementationFactory is { } factory)
            {
                logging.Services.AddSingleton<ILoggerProvider>(sp => new RedactingLoggerProvider((ILoggerProvider)factory(sp), ownsInner: true));
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped)
        {
            scoped.SetScopeProvider(new RedactingScopeProvider(scopeProvider));
        }
    }

    public void Dispose()
    {
        if (ownsInner)
        {
            inner.Dispose();
        }
    }

    /// <summary>A value as it would be written, redacted; the same instance when it holds no link.</summary>
    private static object? Redact(object? value) =>
        value?.ToString() is { } text && LinkRedaction.MayHoldLink(text) ? LinkRedaction.Redact(text) : value;

    /// <summary>Structured state (or a scope) with every value and its text redacted, or null when it holds no link.</summary>
    private static RedactedValues? RedactValues(object? state)
    {
        var text = state?.ToString();
        var values = state as IEnumerable<KeyValuePair<string, object?>>;
        var leaks = LinkRedaction.MayHoldLink(text) || (values?.Any(v => !ReferenceEquals(Redact(v.Value), v.Value)) ?? false);
        return leaks ? new RedactedValues(values?.Select(v => new KeyValuePair<string, object?>(v.Key, Redact(v.Value))).ToList() ?? [], LinkRedaction.Redact(text ?? string.Empty)) : null;
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var redactedException = exception is not null && LinkRedaction.MayHoldLink(exception.ToString()) ? new RedactedException(exception) : exception;
            var message = formatter(state, exception);
            var redactedState = RedactValues(state);
            if (redactedState is null && !LinkRedaction.MayHoldLink(message) && ReferenceEquals(redactedException, exception))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }

            var values = redactedState ?? new RedactedValues([], string.Empty);
            inner.Log(logLevel, eventId, values with { Text = LinkRedaction.Redact(message) }, redactedException, static (s, _) => s.Text);
        }
    }

    private sealed class RedactingScopeProvider(IExternalScopeProvider inner) : IExternalScopeProvider
    {
        public void ForEachScope<TState>(Action<object?, TState> callback, TState state) =>
            inner.ForEachScope((scope, s) => callback(RedactValues(scope) is { } redacted ? Shape(scope, redacted) : scope, s), state);

        public IDisposable Push(object? state) => inner.Push(state);

        // A scope that was text stays text; one with values stays one with values.
        private static object Shape(object? scope, RedactedValues redacted) =>
            scope is IEnumerable<KeyValuePair<string, object?>> ? redacted : redacted.Text;
    }

    /// <summary>Values and text with links redacted; written by formatters as the original would be.</summary>
    private sealed record RedactedValues(IReadOnlyList<KeyValuePair<string, object?>> Values, string Text) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => Values.Count;

        public KeyValuePair<string, object?> this[int index] => Values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Text;
    }

    /// <summary>An exception whose message and text (type, message, stack) are the original's with links redacted.</summary>
    private sealed class RedactedException(Exception original) : Exception(LinkRedaction.Redact(original.Message))
    {
        public override string? StackTrace => original.StackTrace is { } stack ? LinkRedaction.Redact(stack) : null;

        public override string ToString() => LinkRedaction.Redact(original.ToString());
    }
}
