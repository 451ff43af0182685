using Hl7.Fhir.Model;

namespace Surveys.Intake.Fhir;

public sealed partial class FhirMapper
{
    /// <summary>
    /// A scored submission's total as an Observation (id = submission id): LOINC's total code where the definition
    /// names one, and always the project code; the band as interpretation. Null when there is no total (not yet
    /// scored, incomplete, or a form without a total such as the diary).
    /// </summary>
    public Observation? ToObservation(StoredSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Total is not { } total || submission.ScoredAt is not { } scoredAt)
        {
            return null;
        }

        var definition = Catalog.Find(submission.Instrument, submission.DefinitionVersion);
        var title = definition?.Title.En ?? submission.Instrument;
        var code = new CodeableConcept { Text = $"{title} total score" };
        if (definition?.Scoring.Loinc is { } loinc)
        {
            code.Coding.Add(LoincCoding(loinc));
        }

        code.Coding.Add(new Coding(FhirCodes.Score, submission.Instrument, $"{title} total score"));
        var observation = new Observation
        {
            Id = submission.Id.ToString(),
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept(FhirCodes.ObservationCategory, "survey", "Survey", null)],
            Code = code,
            Subject = new ResourceReference($"Patient/{submission.PatientId}"),
            Effective = new FhirDateTime(submission.SubmittedAt),
            IssuedElement = new Instant(scoredAt),
            Value = new Quantity { Value = total, Unit = FhirCodes.ScoreUnit, System = FhirCodes.Ucum, Code = FhirCodes.ScoreUnit },
            DerivedFrom = [new ResourceReference($"QuestionnaireResponse/{submission.Id}")],
        };
        if (submission.Band is { } band)
        {
            observation.Interpretation = [new CodeableConcept(FhirCodes.Bands(submission.Instrument), band, band.Replace('_', ' '), band.Replace('_', ' '))];
        }

        if (submission.Prorated)
        {
            observation.Note = [new Annotation { Text = new Markdown("Prorated: one or more items were unanswered, within the instrument's missing-item rule.") }];
        }

        return observation;
    }

    /// <summary>Whether an Observation's code matches a FHIR token search value: "code", "system|code", "system|" or "|code".</summary>
    public static bool MatchesToken(CodeableConcept code, string token)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(token);
        var bar = token.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return code.Coding.Any(c => c.Code == token);
        }

        var system = token[..bar];
        var value = token[(bar + 1)..];
        return code.Coding.Any(c =>
            (system.Length == 0 ? c.System is null : c.System == system) && (value.Length == 0 || c.Code == value));
    }
}
