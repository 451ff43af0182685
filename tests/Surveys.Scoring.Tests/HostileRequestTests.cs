using Surveys.Testing;
using static Surveys.Testing.HostileRequests;

namespace Surveys.Scoring.Tests;

/// <summary>
/// The scoring worker's rows of the hostile-request table (docs/security.md): it serves health, metrics and its OpenAPI
/// document only, and each hostile request gets the right 4xx, never a 500 or a stack trace.
/// </summary>
[NonParallelizable]
public class HostileRequestTests
{
    private ServiceFactory<Program> _scoring = null!;

    public static IEnumerable<Attack> Attacks()
    {
        // Scoring worker: health only.
        yield return new("scoring OpenAPI without signing in", "scoring", "GET", "/openapi/v1.json", "none", null, 401);
        yield return new("unknown route on scoring", "scoring", "GET", "/api/scores", "admin", null, 404);
        yield return new("DELETE on the scoring worker's liveness", "scoring", "DELETE", "/health/live", "none", null, 405);
        yield return new("metrics with a forged token", "scoring", "GET", "/metrics", "forged-key", null, 401);
    }

    [OneTimeSetUp]
    public void Start() => _scoring = new ServiceFactory<Program>().Start();

    [OneTimeTearDown]
    public async Task StopAsync() => await _scoring.DisposeAsync();

    [TestCaseSource(nameof(Attacks))]
    public async Task Is_refused_with_the_right_status_and_a_readable_problem(Attack attack)
    {
        using var client = _scoring.Anonymous();
        await AssertRefusedAsync(client, attack, text => text, Bearer(attack.As, _scoring.SigningKey, role => _scoring.MintToken($"{role}1", role)));
    }
}
