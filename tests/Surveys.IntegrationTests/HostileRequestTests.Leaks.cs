namespace Surveys.IntegrationTests;

/// <summary>Issue 20, items 1, 2 and 15: tokens in logs, 5xx answers, health methods.</summary>
public partial class HostileRequestTests
{
    private static IEnumerable<Attack> LeakAndServerErrorAttacks()
    {
        yield break;
    }
}
