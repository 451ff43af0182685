namespace Surveys.Web.Security;

/// <summary>
/// Staff sign-in (configuration section <c>Auth</c>). Secrets come from configuration or the
/// environment only (Auth__SigningKey, Auth__BootstrapAdminPassword); none is ever committed.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// Key that signs and checks the platform's own bearer tokens (HMAC-SHA256), the same in every
    /// service: at least 32 characters. Required unless an external OpenID Connect provider is used.
    /// </summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "surveys";

    public string Audience { get; set; } = "surveys";

    /// <summary>How long a bearer token from POST /api/auth/token lives.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Signed-in web pages stay signed in this long without use.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a session's account check is trusted: cookie and bearer sessions are checked against the account (enabled,
    /// same password and roles) at least this often, and on every action. At most a minute.
    /// </summary>
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a service waits for intake to answer an account check before it refuses the request (fail closed).</summary>
    public TimeSpan SessionCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed sign-ins from one client address before that address is locked out of that account (the pair only).</summary>
    public int LockoutAttempts { get; set; } = 5;

    /// <summary>How long a pair's first lock lasts; each further lock of the pair lasts twice the one before, at most a day.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>External OpenID Connect provider (a hospital's): its issuer URL. Bearer tokens it signs are accepted.</summary>
    public string? Authority { get; set; }

    /// <summary>Audience the external provider puts in tokens meant for Surveys.</summary>
    public string? AuthorityAudience { get; set; }

    /// <summary>Claim that carries the roles (admin, nurse, operator) in the external provider's tokens.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>First run only (intake): create the account "admin" with this password when no account exists.</summary>
    public string? BootstrapAdminPassword { get; set; }
}
