using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Surveys.ServiceDefaults.Hosting;

/// <summary>
/// A background loop that does one pass of work, then sleeps until its <see cref="WakeSignal"/> is notified or
/// <see cref="PollInterval"/> passes. A store that is briefly unavailable (SQLite busy or locked) is logged and
/// tried again at the next interval; nothing stops the loop but the host stopping.
/// </summary>
public abstract partial class PollingLoop(WakeSignal signal, TimeProvider time, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan PollInterval { get; }

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (System.Data.Common.DbException ex)
            {
                LogStoreFailure(logger, GetType().Name, ex);
                await Task.Delay(PollInterval, time, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Loop}: store unavailable; trying again at the next interval")]
    private static partial void LogStoreFailure(ILogger logger, string loop, Exception exception);
}
