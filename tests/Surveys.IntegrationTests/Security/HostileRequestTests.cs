using System.Net;
using System.Security.Cryptography;
using System.Text;
using Surveys.Testing;

namespace Surveys.IntegrationTests.Security;

/// <summary>
/// Hostile and malformed requests that need the running system, tried as an attacker would: each must get the right 4xx
/// (never a 500, never a stack trace), nothing may be written, and every service stays ready. Most of the table runs in
/// the fast tier, each service's rows in its own functional tests (HostileRequestTests there); what stays here needs
/// real processes or several services: Kestrel's request limit, the development outbox, sign-in through the portal with
/// intake's real lockout and audit, the pipeline page. docs/security.md summarises what is tried.
/// </summary>
[NonParallelizable]
public partial class HostileRequestTests
{
    private static RunningSystem _system = null!;
    private static Guid _patientId;
    private static Guid _submissionId;
    private static string _freshToken = null!;
    private static string _usedToken = null!;
    private static string _expiredToken = null!;
    private static Dictionary<string, long> _before = null!;

    /// <summary>
    /// What stays of the table here: rows that need the real process (Kestrel's request limit) or read a development
    /// outbox. Each service's own rows run in its functional tests, in-process (tests/Surveys.*.Tests, HostileRequestTests).
    /// </summary>
    public static IEnumerable<Attack> Attacks()
    {
        // Kestrel's request limit (64 KB, ServiceDefaults): the in-memory test server of the functional tests has none.
        yield return new("100 KB body", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"pad\":\"" + new string('x', 100_000) + "\"}", 413);

        foreach (var attack in OperatorAndDataAttacks())
        {
            yield return attack;
        }
    }

    [OneTimeSetUp]
    public static async Task StartAsync()
    {
        _system = SecuritySystem.Current;
        _patientId = await _system.CreatePatientAsync();
        _freshToken = await _system.InviteAsync(_patientId, "phq9");
        _usedToken = await _system.InviteAsync(_patientId, "phq9");
        _submissionId = await _system.SubmitAsync(_usedToken, Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 0));
        _expiredToken = await _system.InviteAsync(_patientId, "phq9");
        await using (var intake = _system.OpenDatabase("intake"))
        {
            await using var command = intake.CreateCommand();
            // Intake keeps only the token's SHA-256: find the invitation by it and move its expiry into the past.
            command.CommandText = "UPDATE invitations SET expires_at = '2000-01-01T00:00:00.0000000+00:00' WHERE token_hash = $hash";
            command.Parameters.AddWithValue("$hash", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_expiredToken))));
            Assert.That(await command.ExecuteNonQueryAsync(), Is.EqualTo(1));
        }

        _before = await CountsAsync();
    }

    private static async Task<Dictionary<string, long>> CountsAsync() => new()
    {
        ["patients"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM patients"),
        ["invitations"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM invitations"),
        ["used invitations"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM invitations WHERE used_at IS NOT NULL"),
        ["submissions"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM submissions"),
        ["staff accounts"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM staff_users"),
        ["intake outbox"] = await _system.CountAsync("intake", "SELECT COUNT(*) FROM outbox"),
        ["alerts"] = await _system.CountAsync("notifier", "SELECT COUNT(*) FROM alerts"),
    };

    [TestCaseSource(nameof(Attacks))]
    public async Task Is_refused_with_the_right_status_and_a_readable_problem(Attack attack)
    {
        var baseAddress = attack.Service switch
        {
            "notifier" => _system.Notifier.BaseAddress,
            "scoring" => _system.Service("Scoring").BaseAddress,
            "portal" => _system.Portal.BaseAddress,
            _ => _system.Intake.BaseAddress,
        };
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        await HostileRequests.AssertRefusedAsync(client, attack, Fill, Bearer(attack.As));
    }

    [Test]
    [Order(int.MaxValue)]
    public async Task Afterwards_nothing_was_written_and_every_service_is_ready()
    {
        // Runs after the attacks (the fixture is shared); also safe on its own.
        Assert.That(await CountsAsync(), Is.EquivalentTo(_before));
        foreach (var service in _system.Services)
        {
            using var client = new HttpClient { BaseAddress = service.BaseAddress };
            Assert.That((int)(await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode, Is.EqualTo(200), service.Name);
        }
    }

    private static string Fill(string text) => text
        .Replace("{fresh}", _freshToken, StringComparison.Ordinal)
        .Replace("{used}", _usedToken, StringComparison.Ordinal)
        .Replace("{expired}", _expiredToken, StringComparison.Ordinal)
        .Replace("{patient}", _patientId.ToString(), StringComparison.Ordinal)
        .Replace("{submission}", _submissionId.ToString(), StringComparison.Ordinal);

    private static string? Bearer(string kind) => HostileRequests.Bearer(kind, _system.SigningKey, role => _system.Tokens[role]);
}
