using System.Text;
using Hl7.Fhir.Model;
using Surveys.Instruments;

namespace Surveys.Intake.Fhir;

/// <summary>
/// Builds FHIR R4 resources from the instrument definitions and intake's stored submissions, and reads answers
/// back from a QuestionnaireResponse. Questionnaires come from the same definitions the scoring engine uses.
/// </summary>
/// <param name="fhirBase">The FHIR base address (intake's public address + /fhir); canonical URLs are built on it.</param>
public sealed partial class FhirMapper(Uri fhirBase, InstrumentCatalog catalog)
{
    public const string InstructionsLinkId = "instructions";

    public string Base { get; } = fhirBase.ToString().TrimEnd('/');

    public InstrumentCatalog Catalog { get; } = catalog;

    /// <summary>The canonical URL of an instrument's Questionnaire (a version is added as "|1.0.0").</summary>
    public string QuestionnaireUrl(string instrument) => $"{Base}/Questionnaire/{ResourceId(instrument)}";

    /// <summary>A FHIR id allows letters, digits, '-' and '.': an instrument id's '_' becomes '-' (t1d_diary → t1d-diary).</summary>
    public static string ResourceId(string instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return instrument.Replace('_', '-');
    }

    /// <summary>The definition whose Questionnaire has this id (and version, when given; else the current one).</summary>
    public InstrumentDefinition? FindQuestionnaire(string id, string? version = null)
    {
        var instrument = Catalog.All.FirstOrDefault(d => ResourceId(d.Id) == id)?.Id;
        return instrument is null ? null : Catalog.Find(instrument, version);
    }

    public Questionnaire ToQuestionnaire(InstrumentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var questionnaire = new Questionnaire
        {
            Id = ResourceId(definition.Id),
            Url = QuestionnaireUrl(definition.Id),
            Identifier = [new Identifier(FhirCodes.Instrument, definition.Id)],
            Version = definition.Version,
            Name = ComputableName(definition.Id),
            Title = definition.Title.En,
            Status = PublicationStatus.Active,
            SubjectType = [ResourceType.Patient],
            Description = definition.Notes is null ? null : new Markdown(definition.Notes),
            Copyright = new Markdown($"{definition.Licence}\n\nSource: {definition.Citation}"),
            Language = LocalizedText.DefaultLanguage,
        };
        if (definition.Loinc is not null)
        {
            questionnaire.Code = [LoincCoding(definition.Loinc)];
        }

        var instructions = definition.Instructions?.En ?? definition.RecallPeriod?.Text.En;
        if (!string.IsNullOrEmpty(instructions))
        {
            questionnaire.Item.Add(new Questionnaire.ItemComponent { LinkId = InstructionsLinkId, Text = instructions, Type = Questionnaire.QuestionnaireItemType.Display });
        }

        foreach (var item in definition.Items)
        {
            questionnaire.Item.Add(ToQuestion(definition, item));
        }

        return questionnaire;
    }

    private static Questionnaire.ItemComponent ToQuestion(InstrumentDefinition definition, ItemDefinition item)
    {
        var question = new Questionnaire.ItemComponent
        {
            LinkId = item.Id,
            Prefix = item.Id + ".",
            Text = item.Text.En,
            Required = item.Required,
        };
        if (item.Loinc is not null)
        {
            question.Code = [new Coding(FhirCodes.Loinc, item.Loinc)];
        }

        if (item.Options.Count > 0)
        {
            question.Type = Questionnaire.QuestionnaireItemType.Choice;
            foreach (var option in item.Options)
            {
                var answer = new Questionnaire.AnswerOptionComponent { Value = OptionCoding(definition, item, option) };
                answer.SetExtension(FhirCodes.OrdinalValue, new FhirDecimal(option.Value));
                question.AnswerOption.Add(answer);
            }

            return question;
        }

        question.Type = item.AllowsDecimals ? Questionnaire.QuestionnaireItemType.Decimal : Questionnaire.QuestionnaireItemType.Integer;
        question.SetExtension(FhirCodes.MinValue, NumberValue(item, item.Min));
        question.SetExtension(FhirCodes.MaxValue, NumberValue(item, item.Max));
        if (item.AllowsDecimals)
        {
            question.SetExtension(FhirCodes.MaxDecimalPlaces, new Integer(item.Decimals));
        }

        return question;
    }

    /// <summary>The coding of one answer option: its LOINC answer code where the item has a LOINC answer list, else a project code.</summary>
    public static Coding OptionCoding(InstrumentDefinition definition, ItemDefinition item, AnswerOption option)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(option);
        var list = FhirCodes.AnswerListFor(item);
        return list is not null
            ? new Coding(FhirCodes.Loinc, list.CodeByText[option.Label.En], option.Label.En)
            : new Coding(FhirCodes.Answers(definition.Id), FhirCodes.AnswerCode(item.Id, option.Value), option.Label.En);
    }

    private static DataType NumberValue(ItemDefinition item, decimal value) =>
        item.AllowsDecimals ? new FhirDecimal(value) : new Integer(decimal.ToInt32(value));

    public static Coding LoincCoding(string code) =>
        new(FhirCodes.Loinc, code, FhirCodes.LoincDisplays.TryGetValue(code, out var display) ? display : null);

    /// <summary>Questionnaire.name must start with a capital and hold letters, digits and '_': phq9 → PHQ9, t1d_diary → T1D_DIARY.</summary>
    public static string ComputableName(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var name = new StringBuilder(id.Length + 1);
        foreach (var c in id.ToUpperInvariant())
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return name.Length > 0 && char.IsAsciiLetterUpper(name[0]) ? name.ToString() : "Q" + name;
    }
}
