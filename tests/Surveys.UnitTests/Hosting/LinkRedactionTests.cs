using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Surveys.Hosting.Observability;

namespace Surveys.UnitTests.Hosting;

/// <summary>Issue 20, item 1: a patient's link token never reaches a log, whatever carries it.</summary>
public partial class LinkRedactionTests
{
    private const string Token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";

    [TestCase("/s/TOKEN/q/1", "/s/[link]/q/1")]
    [TestCase("http://clinic.example/s/TOKEN", "http://clinic.example/s/[link]")]
    [TestCase("GET /s/TOKEN/check?x=1 HTTP/1.1", "GET /s/[link]/check?x=1 HTTP/1.1")]
    [TestCase("%2Fs%2FTOKEN%2Fsent", "/s/[link]")]
    [TestCase("\"/s/TOKEN\"", "\"/s/[link]\"")]
    [TestCase("/s/[link]/sent", "/s/[link]/sent")]
    [TestCase("/api/responses", "/api/responses")]
    public void Writes_link_in_place_of_the_token(string text, string expected) =>
        Assert.That(LinkRedaction.Redact(text.Replace("TOKEN", Token, StringComparison.Ordinal)), Is.EqualTo(expected));

    [Test]
    public void A_log_entry_carries_no_token_in_its_scopes_message_values_or_exception()
    {
        var capture = new CapturingProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddProvider(capture);
            RedactingLoggerProvider.WrapAll(logging);
        });
        using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Test");

        // ASP.NET Core's request scope has this shape (RequestPath, RequestId); a scope may also be plain text.
        using (logger.BeginScope(new List<KeyValuePair<string, object?>> { new("RequestPath", $"/s/{Token}/q/1"), new("RequestId", "0HN1") }))
        using (logger.BeginScope<object>($"text scope /s/{Token}/check"))
        {
            Log.Failed(logger, new InvalidOperationException($"Invalid header value: /s/{Token}/sent"), $"/s/{Token}/send");
        }

        var written = capture.Written.ToString();
        Assert.That(written, Does.Not.Contain(Token));
        Assert.That(written, Does.Contain("/s/[link]/q/1").And.Contain("/s/[link]/check").And.Contain("/s/[link]/send").And.Contain("/s/[link]/sent"));
        Assert.That(written, Does.Contain("InvalidOperationException"), "the exception's type is still written");
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Request to {Path} failed")]
        public static partial void Failed(ILogger logger, Exception exception, string path);
    }

    /// <summary>Writes everything a formatter would (message, values, scopes, exception text) into one buffer.</summary>
    private sealed class CapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;

        public StringBuilder Written { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private static void Append(StringBuilder written, object? item)
        {
            written.AppendLine(item?.ToString());
            if (item is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var value in values)
                {
                    written.AppendLine($"{value.Key}={value.Value}");
                }
            }
        }

        private sealed class Logger(CapturingProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                owner.Written.AppendLine(formatter(state, exception));
                Append(owner.Written, state);
                owner._scopes?.ForEachScope((scope, written) => Append(written, scope), owner.Written);
                owner.Written.AppendLine(exception?.ToString()).AppendLine(exception?.Message);
            }
        }
    }
}
