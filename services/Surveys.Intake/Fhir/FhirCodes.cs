using Surveys.Instruments;

namespace Surveys.Intake.Fhir;

/// <summary>
/// The code systems, extensions and LOINC codes the FHIR endpoints use. docs/fhir.md lists each with its source.
/// Project codes live under <c>urn:surveys:</c>: they are stable whatever address intake is reached at.
/// </summary>
public static class FhirCodes
{
    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>R4 extension: the numeric value of a coded answer (context Coding, Questionnaire.item.answerOption).</summary>
    public const string OrdinalValue = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

    public const string MinValue = "http://hl7.org/fhir/StructureDefinition/minValue";
    public const string MaxValue = "http://hl7.org/fhir/StructureDefinition/maxValue";
    public const string MaxDecimalPlaces = "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces";

    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";

    /// <summary>QuestionnaireResponse.identifier system that carries the patient's invitation (link) token.</summary>
    public const string InvitationToken = "urn:surveys:invitation-token";

    /// <summary>Questionnaire.identifier system: the instrument id of the definition (phq9, gad7, …).</summary>
    public const string Instrument = "urn:surveys:instrument";

    /// <summary>Observation.code for an instrument's total, code = instrument id (alongside LOINC where one exists).</summary>
    public const string Score = "urn:surveys:score";

    /// <summary>A UCUM annotation (unit 1) for a score, which has no unit.</summary>
    public const string ScoreUnit = "{score}";

    /// <summary>Answer options without a LOINC answer code: code = "{item id}:{value}".</summary>
    public static string Answers(string instrument) => $"urn:surveys:answer:{instrument}";

    /// <summary>Observation.interpretation: the definition's band names (minimal, mild, …), code = band name.</summary>
    public static string Bands(string instrument) => $"urn:surveys:band:{instrument}";

    public static string AnswerCode(string itemId, decimal value) =>
        $"{itemId}:{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>
    /// LOINC display names for the panel and total codes the definitions name. A code missing here is still sent,
    /// without a display. Sources: LOINC 44249-1, 44261-6, 69737-5, 70274-6 (loinc.org); 44261-6's display as in the
    /// HL7 SDC PHQ-9 example Questionnaire.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> LoincDisplays = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["44249-1"] = "PHQ-9 quick depression assessment panel",
        ["44261-6"] = "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
        ["69737-5"] = "Generalized anxiety disorder 7 item (GAD-7)",
        ["70274-6"] = "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
    };

    /// <summary>A LOINC answer list: the answer codes by their exact English answer text.</summary>
    public sealed record LoincAnswerList(string Id, IReadOnlyDictionary<string, string> CodeByText);

    /// <summary>
    /// LOINC answer lists for the PHQ family. LL358-3 (PHQ-9 items 1–9 and GAD-7 items 1–7) and LL359-1 (PHQ-9 item 10,
    /// "Very difficult" is LA6575-0 and "Extremely difficult" LA6574-3: the codes are not in text order). Source: LOINC
    /// answer lists LL358-3 and LL359-1 (loinc.org/LL359-1, version 2.78); see docs/fhir.md.
    /// </summary>
    public static readonly IReadOnlyList<LoincAnswerList> AnswerLists =
    [
        new("LL358-3", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Not at all"] = "LA6568-5",
            ["Several days"] = "LA6569-3",
            ["More than half the days"] = "LA6570-1",
            ["Nearly every day"] = "LA6571-9",
        }),
        new("LL359-1", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Not difficult at all"] = "LA6572-7",
            ["Somewhat difficult"] = "LA6573-5",
            ["Very difficult"] = "LA6575-0",
            ["Extremely difficult"] = "LA6574-3",
        }),
    ];

    /// <summary>
    /// The LOINC answer list for an item: only for an item with its own LOINC code whose options' English texts are
    /// exactly the list's answers, all of them. Anything else gets project answer codes.
    /// </summary>
    public static LoincAnswerList? AnswerListFor(ItemDefinition item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Loinc is null || item.Options.Count == 0)
        {
            return null;
        }

        foreach (var list in AnswerLists)
        {
            if (list.CodeByText.Count == item.Options.Count && item.Options.All(o => list.CodeByText.ContainsKey(o.Label.En)))
            {
                return list;
            }
        }

        return null;
    }
}
