namespace Surveys.Intake;

/// <summary>Configuration section <c>Intake</c>.</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>The address patients reach intake at; links are built on it (Intake__PublicBaseUrl).</summary>
    public Uri PublicBaseUrl { get; set; } = new("http://127.0.0.1:5101");

    /// <summary>
    /// The notifier (Intake__NotifierUrl), whose GET /api/alerts/summary the outcomes report reads with the caller's own
    /// bearer token.
    /// </summary>
    public Uri NotifierUrl { get; set; } = new("http://127.0.0.1:5103");

    /// <summary>How long an invitation's link stays open (Intake__InvitationLifetime, e.g. 7.00:00:00).</summary>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    // What the survey pages tell patients about reaching people (see docs/patients.md). Unset, each falls back to a
    // generic phrase in the patient's language ("the number on your clinic letter"), never to a made-up number.

    /// <summary>The clinic's phone number for patients (Intake__ClinicPhone), shown as a tel: link.</summary>
    public string? ClinicPhone { get; set; }

    /// <summary>The number patients call when the clinic is closed (Intake__OutOfHoursPhone).</summary>
    public string? OutOfHoursPhone { get; set; }

    /// <summary>The emergency number where the clinic's patients live, e.g. 999, 112 or 911 (Intake__EmergencyNumber).</summary>
    public string? EmergencyNumber { get; set; }

    /// <summary>
    /// Within how many working days the care team reads answers (Intake__ReadWithinWorkingDays, 1 or more); unset, the
    /// pages say only that answers are read on working days and may wait a few days.
    /// </summary>
    public int? ReadWithinWorkingDays { get; set; }
}
