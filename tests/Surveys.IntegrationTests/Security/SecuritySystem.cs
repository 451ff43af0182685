namespace Surveys.IntegrationTests.Security;

/// <summary>
/// One running system (default settings) for every fixture of this namespace: the hostile requests, staff identity and
/// audit, and session revalidation. NUnit starts it before the first of them and stops it after the last, so the suite
/// starts the four services once for all three instead of once each. Each fixture uses accounts and patients of its own
/// (or checks counts before and after within itself), so their order does not matter.
/// </summary>
[SetUpFixture]
public sealed class SecuritySystem
{
    private static RunningSystem? _current;

    /// <summary>The system the fixtures of this namespace share.</summary>
    public static RunningSystem Current => _current ?? throw new InvalidOperationException("The security fixtures' system is not started (SecuritySystem runs before them).");

    [OneTimeSetUp]
    public static async Task StartAsync() => _current = await RunningSystem.StartAsync();

    [OneTimeTearDown]
    public static async Task StopAsync()
    {
        if (_current is not null)
        {
            await _current.DisposeAsync();
            _current = null;
        }
    }
}
