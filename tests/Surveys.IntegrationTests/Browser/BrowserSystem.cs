namespace Surveys.IntegrationTests.Browser;

/// <summary>
/// One running system (default settings) for the browser fixtures of this namespace that need no settings of their own
/// (<see cref="BrowserTest.Settings"/> null): started by the first of them, stopped by NUnit after the last fixture of the
/// namespace, so the suite starts the four services once for them all instead of once each. Those fixtures use accounts,
/// patients and alerts of their own (a patient's alerts are found by that patient), so their order does not matter.
/// Fixtures with settings of their own start their own system, as before.
/// </summary>
[SetUpFixture]
public sealed class BrowserSystem
{
    private static readonly SemaphoreSlim Starting = new(1, 1);
    private static RunningSystem? _shared;

    /// <summary>The shared system, started on first use.</summary>
    public static async Task<RunningSystem> SharedAsync()
    {
        await Starting.WaitAsync();
        try
        {
            return _shared ??= await RunningSystem.StartAsync();
        }
        finally
        {
            Starting.Release();
        }
    }

    [OneTimeTearDown]
    public static async Task StopAsync()
    {
        if (_shared is not null)
        {
            await _shared.DisposeAsync();
            _shared = null;
        }
    }
}
