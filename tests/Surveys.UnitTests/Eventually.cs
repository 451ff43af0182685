namespace Surveys.UnitTests;

/// <summary>Waits on a condition, never a fixed sleep: reads until <c>done</c> or the time is up, and returns the last reading.</summary>
internal static class Eventually
{
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
            value = await read();
        }

        return value;
    }
}
