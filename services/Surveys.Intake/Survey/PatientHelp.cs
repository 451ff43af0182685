using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Surveys.Instruments;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.Intake.Survey;

/// <summary>
/// What the survey pages tell every patient about reaching people: that answers are not watched in real time and when
/// the care team reads them, and, after answers that raise a finding the instrument alerts on, what to do now (the
/// clinic's number, its out-of-hours number, the emergency number). It says how to reach people, never what the
/// answers mean. Numbers come from the clinic's settings (<see cref="IntakeOptions"/>); unset, a generic phrase.
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

    /// <summary>
    /// "Your answers are not read straight away", when they are read and, unless <paramref name="contacts"/> is false
    /// (the warning below already gives them), whom to call sooner: for every start and confirmation page.
    /// </summary>
    public static string Notice(PageText t, IntakeOptions clinic, bool contacts = true)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(clinic);
        var when = clinic.ReadWithinWorkingDays switch
        {
            1 => t.ReadWithinOneDay,
            > 1 and var days => string.Format(CultureInfo.InvariantCulture, t.ReadWithinDays, days),
            _ => t.ReadOnWorkingDays,
        };
        var html = new StringBuilder("<div class=\"inset-text\"><p>").Append(E(t.NotReadStraightAway)).Append(' ').Append(E(when)).Append("</p>");
        if (contacts)
        {
            html.Append("<p>").Append(Fill(t.HelpSooner, Number(clinic.ClinicPhone, t.AnyClinicPhone), Number(clinic.EmergencyNumber, t.AnyEmergencyNumber))).Append("</p>");
        }

        return html.Append("</div>").ToString();
    }

    /// <summary>What to do now, in the GOV.UK warning-text pattern: the clinic, its out-of-hours number, the emergency number.</summary>
    public static string Warning(PageText t, IntakeOptions clinic)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(clinic);
        return new StringBuilder("<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!</span>")
            .Append("<div class=\"govuk-warning-text__text\"><p><span class=\"visually-hidden\">").Append(E(t.Warning)).Append("</span> ").Append(E(t.HelpNow)).Append("</p><ul>")
            .Append("<li>").Append(Fill(t.CallClinic, Number(clinic.ClinicPhone, t.AnyClinicPhone))).Append("</li>")
            .Append("<li>").Append(Fill(t.CallOutOfHours, Number(clinic.OutOfHoursPhone, t.AnyOutOfHoursPhone))).Append("</li>")
            .Append("<li>").Append(Fill(t.CallEmergency, Number(clinic.EmergencyNumber, t.AnyEmergencyNumber))).Append("</li>")
            .Append("</ul></div></div>")
            .ToString();
    }

    /// <summary>A configured number as a tel: link (dialled as its digits and a leading +), or the generic phrase.</summary>
    private static string Number(string? configured, string otherwise)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return E(otherwise);
        }

        var number = configured.Trim();
        var dial = (number.StartsWith('+') ? "+" : string.Empty) + string.Concat(number.Where(char.IsAsciiDigit));
        return dial.Trim('+').Length == 0 ? E(number) : $"<a href=\"tel:{E(dial)}\">{E(number)}</a>";
    }

    /// <summary>Encodes a translated text whose {0}, {1}… stand for markup built here (already encoded).</summary>
    private static string Fill(string text, params string[] markup) =>
        string.Concat(Placeholder().Split(text).Select((part, i) => i % 2 == 1 ? markup[int.Parse(part, CultureInfo.InvariantCulture)] : E(part)));

    [GeneratedRegex(@"\{(\d)\}")]
    private static partial Regex Placeholder();
}
