namespace Surveys.IntegrationTests;

/// <summary>Issue 20, items 2 (returnUrl), 3, 5, 7 and 10: sign-in, redirects, lockout, sign-out.</summary>
public partial class HostileRequestTests
{
    private static IEnumerable<Attack> SignInAttacks()
    {
        yield break;
    }
}
