namespace Surveys.IntegrationTests;

/// <summary>Issue 20, items 4, 8, 9, 11, 12 and 14: the operator page, files, audit, webhooks, drafts.</summary>
public partial class HostileRequestTests
{
    private static IEnumerable<Attack> OperatorAndDataAttacks()
    {
        yield break;
    }
}
