using Hl7.Fhir.Model;
using Surveys.Instruments;

namespace Surveys.Intake.Fhir;

/// <summary>A submission as intake keeps it, with its score once scored.</summary>
/// <param name="Total">The instrument's total; null when not (yet) scored, incomplete, or a form without a total.</param>
public sealed record StoredSubmission(
    Guid Id, Guid PatientId, string Instrument, string DefinitionVersion, IReadOnlyDictionary<string, decimal?> Answers, DateTimeOffset SubmittedAt)
{
    public string? ScoreStatus { get; init; }
    public DateTimeOffset? ScoredAt { get; init; }
    public decimal? Total { get; init; }
    public string? Band { get; init; }
    public bool Prorated { get; init; }
}

/// <summary>One reason a QuestionnaireResponse's answers cannot be read; <see cref="LinkId"/> null for the whole resource.</summary>
public sealed record ResponseProblem(string? LinkId, string Message);

public sealed partial class FhirMapper
{
    /// <summary>
    /// Reads the answers of a QuestionnaireResponse for <paramref name="definition"/> into item id → value, as the
    /// survey pages and <c>POST /api/responses</c> give them. Choice items take the valueCoding of one of the item's
    /// answer options; numeric items take valueInteger or valueDecimal. Ranges and allowed values are then checked by
    /// the scoring engine on the one accept path.
    /// </summary>
    public static (Dictionary<string, decimal?> Answers, List<ResponseProblem> Problems) ReadAnswers(QuestionnaireResponse response, InstrumentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(definition);
        var answers = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        var problems = new List<ResponseProblem>();
        foreach (var item in Flatten(response.Item))
        {
            var linkId = item.LinkId ?? string.Empty;
            if (linkId == InstructionsLinkId && item.Answer.Count == 0)
            {
                continue; // the display item, echoed back by some form fillers
            }

            var question = definition.FindItem(linkId);
            if (question is null)
            {
                problems.Add(new(linkId, $"Item '{linkId}' is not in Questionnaire '{definition.Id}'."));
                continue;
            }

            if (answers.ContainsKey(linkId))
            {
                problems.Add(new(linkId, $"Item '{linkId}' appears more than once."));
                continue;
            }

            if (item.Answer.Count > 1)
            {
                problems.Add(new(linkId, $"Item '{linkId}' takes one answer, not {item.Answer.Count}."));
                continue;
            }

            if (item.Answer.Count == 0)
            {
                answers[linkId] = null;
                continue;
            }

            var (value, problem) = ReadValue(definition, question, item.Answer[0].Value);
            if (problem is not null)
            {
                problems.Add(new(linkId, problem));
                continue;
            }

            answers[linkId] = value;
        }

        return (answers, problems);
    }

    private static (decimal? Value, string? Problem) ReadValue(InstrumentDefinition definition, ItemDefinition question, DataType? value)
    {
        if (question.Options.Count > 0)
        {
            if (value is not Coding coding)
            {
                return (null, $"Item '{question.Id}' is a choice: answer with valueCoding, one of the Questionnaire's answerOption codings.");
            }

            foreach (var option in question.Options)
            {
                var expected = OptionCoding(definition, question, option);
                if (coding.System == expected.System && coding.Code == expected.Code)
                {
                    return (option.Value, null);
                }
            }

            return (null, $"Item '{question.Id}': {coding.System}|{coding.Code} is not one of its answer options.");
        }

        return value switch
        {
            Integer { Value: { } i } => ((decimal?)i, null),
            FhirDecimal { Value: { } d } => (d, null),
            _ => (null, $"Item '{question.Id}' is a number: answer with value{(question.AllowsDecimals ? "Decimal" : "Integer")}."),
        };
    }

    private static IEnumerable<QuestionnaireResponse.ItemComponent> Flatten(IEnumerable<QuestionnaireResponse.ItemComponent> items)
    {
        foreach (var item in items)
        {
            yield return item;
            foreach (var child in Flatten(item.Item))
            {
                yield return child;
            }
        }
    }

    /// <summary>A stored submission as a QuestionnaireResponse (id = submission id). The invitation token is never included.</summary>
    public QuestionnaireResponse ToResponse(StoredSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var definition = Catalog.Find(submission.Instrument, submission.DefinitionVersion);
        var response = new QuestionnaireResponse
        {
            Id = submission.Id.ToString(),
            Questionnaire = $"{QuestionnaireUrl(submission.Instrument)}|{submission.DefinitionVersion}",
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = new ResourceReference($"Patient/{submission.PatientId}"),
            AuthoredElement = new FhirDateTime(submission.SubmittedAt),
        };
        var order = definition?.Items.Select(i => i.Id).ToList() ?? [.. submission.Answers.Keys.Order(StringComparer.Ordinal)];
        foreach (var linkId in order)
        {
            if (!submission.Answers.TryGetValue(linkId, out var value) || value is not { } v)
            {
                continue;
            }

            var question = definition?.FindItem(linkId);
            response.Item.Add(new QuestionnaireResponse.ItemComponent
            {
                LinkId = linkId,
                Text = question?.Text.En,
                Answer = [new QuestionnaireResponse.AnswerComponent { Value = AnswerValue(definition, question, v) }],
            });
        }

        return response;
    }

    private static DataType AnswerValue(InstrumentDefinition? definition, ItemDefinition? question, decimal value)
    {
        var option = question?.Options.FirstOrDefault(o => o.Value == value);
        if (definition is not null && question is not null && option is not null)
        {
            var coding = OptionCoding(definition, question, option);
            coding.SetExtension(FhirCodes.OrdinalValue, new FhirDecimal(option.Value));
            return coding;
        }

        return question is { AllowsDecimals: false } && value == decimal.Truncate(value)
            ? new Integer(decimal.ToInt32(value))
            : new FhirDecimal(value);
    }
}
