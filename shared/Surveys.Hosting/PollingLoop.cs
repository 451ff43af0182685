using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Surveys.Hosting;

/// <summary>
/// A background loop that does one pass of work, then sleeps until its <see cref="WakeSignal"/> (if any) is notified
/// or <see cref="PollInterval"/> passes. A pass that fails, for any reason (a locked store, a bug, a channel that
/// throws), is logged and the next pass runs at the next interval; when a pass succeeds again after failures the loop
/// logs that it resumed. Nothing stops the loop but the host stopping. Each finished pass is a heartbeat
/// (<see cref="Heartbeats"/>): a loop whose pass never ends, or fails every time, for longer than
/// <see cref="StallAfter"/> is reported stalled. Every external call a pass makes has a time limit of its own.
/// </summary>
public abstract partial class PollingLoop(WakeSignal? signal, Heartbeats heartbeats, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The loop's name in plain words, as operators see it ("invitation delivery").</summary>
    protected abstract string Name { get; }

    protected abstract TimeSpan PollInterval { get; }

    /// <summary>False turns the loop off (tests that drive the pass themselves).</summary>
    protected virtual bool Enabled => true;

    /// <summary>No finished pass for this long means the loop is stalled: three intervals, and never less than 2 minutes.</summary>
    protected virtual TimeSpan StallAfter => TimeSpan.FromTicks(Math.Max(3 * PollInterval.Ticks, TimeSpan.FromMinutes(2).Ticks));

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        heartbeats.Register(Name, StallAfter);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                if (heartbeats.Progress(Name) is var failures and > 0)
                {
                    LogResumed(logger, Name, failures);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A store's error is logged whole; any other only by its type, since a message can hold an address.
                heartbeats.Failed(Name, ex);
                LogPassFailed(logger, Name, ex.GetType().Name, ex as System.Data.Common.DbException);
            }

            try
            {
                await (signal is null ? Task.Delay(PollInterval, time, stoppingToken) : signal.WaitAsync(PollInterval, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Loop}: pass failed ({ExceptionType}); trying again at the next interval")]
    private static partial void LogPassFailed(ILogger logger, string loop, string exceptionType, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Loop}: resumed after {Failures} failed pass(es)")]
    private static partial void LogResumed(ILogger logger, string loop, int failures);
}
