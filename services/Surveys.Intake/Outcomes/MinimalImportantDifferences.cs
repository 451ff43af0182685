namespace Surveys.Intake.Outcomes;

/// <summary>
/// Where each instrument's minimal important difference (scoring.mcid in its definition) comes from. The values
/// live in the definitions (one place, also used by the worse-than-baseline alert); this table cites them.
/// </summary>
public static class MinimalImportantDifferences
{
    public static readonly IReadOnlyDictionary<string, string> Sources = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["phq9"] = "Löwe B, Unützer J, Callahan CM, Perkins AJ, Kroenke K. Monitoring depression treatment outcomes with the Patient Health Questionnaire-9. "
            + "Med Care. 2004;42(12):1194-1201 (5 points, estimated as 2 standard errors of measurement, for individual change).",
        ["gad7"] = "Toussaint A, Hüsing P, Gumz A, Wingenfeld K, Härter M, Schramm E, Löwe B. Sensitivity to change and minimal clinically important difference "
            + "of the 7-item Generalized Anxiety Disorder Questionnaire (GAD-7). J Affect Disord. 2020;265:395-401 (MCID estimated at 4 points).",
        ["who5"] = "WHO-5 scoring guidance (Psychiatric Research Unit, Mental Health Centre North Zealand): on the 0-100 percentage score a 10-point "
            + "difference indicates a significant change; Topp CW, Østergaard SD, Søndergaard S, Bech P. The WHO-5 Well-Being Index: a systematic review "
            + "of the literature. Psychother Psychosom. 2015;84(3):167-176.",
        ["paid20"] = "Welch G, Weinger K, Anderson B, Polonsky WH. Responsiveness of the Problem Areas In Diabetes (PAID) questionnaire. Diabet Med. "
            + "2003;20(1):69-72 (a change of about 10 points is usually read as clinically meaningful; to be confirmed against the full text).",
    };

    public static string SourceOf(string instrument) =>
        Sources.TryGetValue(instrument, out var source) ? source : "No minimal important difference is defined: improved and worsened are not counted.";
}
