namespace Surveys.Intake;

/// <summary>Configuration section <c>Intake</c>.</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>The address patients reach intake at; links are built on it (Intake__PublicBaseUrl).</summary>
    public Uri PublicBaseUrl { get; set; } = new("http://127.0.0.1:5101");

    /// <summary>How long an invitation's link stays open (Intake__InvitationLifetime, e.g. 7.00:00:00).</summary>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);
}
