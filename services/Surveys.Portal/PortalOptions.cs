namespace Surveys.Portal;

/// <summary>Where the portal finds the other services (configuration section <c>Portal</c>).</summary>
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
}
