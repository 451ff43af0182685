using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Web.Security;
using Surveys.Testing;

namespace Surveys.Notifier.Tests;

/// <summary>
/// The notifier in-process. It holds no accounts: it asks intake (POST /api/auth/session) whether a session's account is
/// unchanged. Here a stub answers for intake: "current" for every account except those named in <see cref="Changed"/>,
/// which it says have changed. Tokens are minted with the service's signing key, as intake issues them.
/// </summary>
public sealed class NotifierFactory : ServiceFactory<Program>
{
    public NotifierFactory(StorageEngine engine = StorageEngine.Sqlite)
        : base(engine) =>
        WithServices(services => services.AddHttpClient(RemoteAccountCheck.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new StubAccounts(this)));

    /// <summary>Accounts the stub intake says were disabled or changed since sign-in.</summary>
    public HashSet<string> Changed { get; } = [];

    /// <summary>Session checks the stub intake answered.</summary>
    public int AccountChecks => _accountChecks;

    private int _accountChecks;

    public HttpClient As(string role) => WithToken(MintToken($"{role}1", role));

    /// <summary>Plays the scoring worker: publishes the score on the harness and waits until the notifier consumed it.</summary>
    public async Task ScoreAsync(SurveyScored scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        await Harness.Bus.Publish(scored);
        Assert.That(await ConsumedAsync<SurveyScored>(m => m.SubmissionId == scored.SubmissionId), Is.True, "the notifier consumed the score");
    }

    /// <summary>A PHQ-9 score with the given total and flags, as the scoring worker announces it.</summary>
    public static SurveyScored Phq9(Guid patientId, decimal total, params string[] flags) => new(
        Guid.NewGuid(), patientId, "phq9", "1.0.0", "scored", total,
        total switch { >= 20 => "severe", >= 15 => "moderately_severe", >= 10 => "moderate", >= 5 => "mild", _ => "minimal" },
        false, flags, new Dictionary<string, decimal>(), new Dictionary<string, decimal>(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
        Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => (decimal?)(i == 9 && flags.Length > 0 ? 1 : 0)));

    private sealed class StubAccounts(NotifierFactory factory) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref factory._accountChecks);
            Assert.That(request.RequestUri!.AbsolutePath, Is.EqualTo("/api/auth/session"));
            var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(request.Headers.Authorization!.Parameter);
            var user = token.GetClaim(StaffAuth.NameClaim).Value;
            return Task.FromResult(new HttpResponseMessage(factory.Changed.Contains(user) ? HttpStatusCode.Unauthorized : HttpStatusCode.OK));
        }
    }
}
