namespace Surveys.Portal;

/// <summary>Where the portal finds the other services, and its client at a hospital's OpenID Connect provider (configuration section <c>Portal</c>).</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Intake: staff accounts, patients, invitations, the audit trail (Portal__IntakeUrl).</summary>
    public Uri IntakeUrl { get; set; } = new("http://127.0.0.1:5101");

    /// <summary>Scoring, for the pipeline page (Portal__ScoringUrl).</summary>
    public Uri ScoringUrl { get; set; } = new("http://127.0.0.1:5102");

    /// <summary>The notifier: alerts and score histories (Portal__NotifierUrl).</summary>
    public Uri NotifierUrl { get; set; } = new("http://127.0.0.1:5103");

    /// <summary>How long a page waits for another service before it says that service is not answering.</summary>
    public TimeSpan ApiTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The clinic's time zone, in which pages show times (Portal__TimeZone, an IANA id such as Asia/Kolkata).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// The portal's client id at the hospital's OpenID Connect provider (Portal__ClientId): required when Auth:Authority
    /// is set, when staff sign in through the provider (authorization code flow with PKCE).
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The portal client's secret at the provider (Portal__ClientSecret; from the environment, never committed). None for a public client.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The provider as staff know it, on the sign-in button: "Sign in with …" (Portal__ProviderName).</summary>
    public string ProviderName { get; set; } = "your hospital account";

    /// <summary>
    /// The scopes the portal asks the provider for, separated by spaces (Portal__Scopes). Add what the provider needs to
    /// put Auth:AuthorityAudience in the access token, and <c>offline_access</c> if it gives refresh tokens only then.
    /// </summary>
    public string Scopes { get; set; } = "openid profile";

    /// <summary>
    /// A provider's access token is refreshed (with its refresh token) this long before it expires; without a refresh token
    /// the session ends then (Portal__TokenRefreshMargin).
    /// </summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromSeconds(30);
}
