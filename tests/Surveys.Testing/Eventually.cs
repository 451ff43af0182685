namespace Surveys.Testing;

/// <summary>Waits on a condition, never a fixed sleep: reads until <c>done</c> or the time is up, and returns the last reading.</summary>
public static class Eventually
{
    /// <summary>As below, within 15 seconds unless told otherwise.</summary>
    public static Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, double seconds = 15) =>
        ReadAsync(read, done, TimeSpan.FromSeconds(seconds));

    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + within;
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            value = await read();
        }

        return value;
    }
}
