namespace Surveys.Hosting.Observability;

/// <summary>
/// A store reading behind observable gauges: read at most every <see cref="CacheFor"/> however often metrics are
/// scraped, and the last value kept when the store cannot answer (readiness reports the store). Gauge callbacks are
/// synchronous, so the read is waited for; each is one indexed query.
/// </summary>
public sealed class GaugeReading<T>(Func<Task<T>> read, TimeProvider time, T initial)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private T _last = initial;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public T Value
    {
        get
        {
            lock (_lock)
            {
                var now = time.GetUtcNow();
                if (now - _readAt >= CacheFor)
                {
                    try
                    {
                        _last = read().GetAwaiter().GetResult();
                        _readAt = now;
                    }
                    catch (System.Data.Common.DbException)
                    {
                        // Keep the last value.
                    }
                }

                return _last;
            }
        }
    }
}
