using System.Text.RegularExpressions;
using Surveys.Instruments;

namespace Surveys.Intake.Survey;

/// <summary>A number the patient may call: the clinic's setting, or a generic phrase in the patient's language when unset.</summary>
public sealed record ClinicNumber(string? Configured, string Otherwise);

/// <summary>
/// What the survey pages tell every patient about reaching people: that answers are not watched in real time and when
/// the care team reads them (<see cref="ReadingNotice"/>), and, after answers that raise a finding the instrument alerts
/// on, what to do now (<see cref="HelpNowWarning"/>: the clinic's number, its out-of-hours number, the emergency
/// number). It says how to reach people, never what the answers mean. Numbers come from the clinic's settings
/// (<see cref="IntakeOptions"/>); unset, a generic phrase. The markup is in those Razor components, which the survey
/// pages include.
/// </summary>
public static partial class PatientHelp
{
    /// <summary>
    /// True when the answers raise a flag the definition's <c>alerting.flags</c> lists (PHQ-9 item 9 answered at all:
    /// <c>self_harm_risk</c>; the diary's severe hypo or DKA warning): computed here, so it does not wait for scoring.
    /// </summary>
    public static bool NeedsHelpNow(ScoringEngine engine, InstrumentDefinition definition, IReadOnlyDictionary<string, decimal?> answers)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(definition);
        return engine.Score(definition.Id, answers, definition.Version).Flags.Intersect(definition.Alerting.Flags, StringComparer.Ordinal).Any();
    }

    public static ClinicNumber ClinicNumber(this IntakeOptions clinic, PageText t) => new(clinic.ClinicPhone, t.AnyClinicPhone);

    public static ClinicNumber OutOfHoursNumber(this IntakeOptions clinic, PageText t) => new(clinic.OutOfHoursPhone, t.AnyOutOfHoursPhone);

    public static ClinicNumber EmergencyNumber(this IntakeOptions clinic, PageText t) => new(clinic.EmergencyNumber, t.AnyEmergencyNumber);

    /// <summary>A translated text's {0}, {1}… placeholders.</summary>
    [GeneratedRegex(@"\{(\d)\}")]
    internal static partial Regex Placeholder();
}
