using System.Globalization;
using Surveys.Instruments;

namespace Surveys.Portal.Patients;

/// <summary>Dates, ages, names and instruments in the words the nurse's pages use.</summary>
public static class StaffText
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.LoadEmbedded();

    public static string Age(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        return age.TotalMinutes < 1 ? "just now"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min ago"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} h ago"
            : (int)age.TotalDays == 1 ? "1 day ago"
            : $"{(int)age.TotalDays} days ago";
    }

    /// <summary>The patient as staff name them: the name, else "Patient without a name".</summary>
    public static string Name(string? displayName) => string.IsNullOrWhiteSpace(displayName) ? "Patient without a name" : displayName;

    public static string ClinicNumber(string? number) => string.IsNullOrWhiteSpace(number) ? "no clinic number" : $"clinic number {number}";

    /// <summary>The instrument's title, e.g. "Patient Health Questionnaire (PHQ-9)"; "all" (missed surveys) reads "Follow-up surveys".</summary>
    public static string Instrument(string id) => id == "all" ? "Follow-up surveys" : Catalog.Find(id)?.Title.En ?? id;

    /// <summary>Every instrument the platform knows, by title.</summary>
    public static IReadOnlyList<(string Id, string Title)> Instruments() =>
        Catalog.All.Select(d => d.Id).Distinct(StringComparer.Ordinal).Select(id => (id, Instrument(id))).OrderBy(i => i.Item2, StringComparer.Ordinal).ToList();

    public static InstrumentDefinition? Definition(string id, string? version = null) => Catalog.Find(id, version) ?? Catalog.Find(id);

    public static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A score range's name in words: "moderately_severe" reads "Moderately severe".</summary>
    public static string Band(string? band) =>
        string.IsNullOrEmpty(band) ? "–" : char.ToUpperInvariant(band[0]) + band[1..].Replace('_', ' ');

    public static string Channel(string channel) => channel switch
    {
        "sms" => "Mobile",
        "email" => "E-mail",
        _ => channel,
    };

    public static string ContactLink(PatientContact contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        return contact.Channel == "email" ? $"mailto:{contact.Address}" : $"tel:{contact.Address}";
    }

    public static string InvitationState(string state) => state switch
    {
        "open" => "Waiting for an answer",
        "answered" => "Answered",
        "expired" => "Missed",
        "replaced" => "Replaced by a new link",
        _ => state,
    };
}
