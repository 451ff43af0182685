using System.Text.Json.Serialization;

namespace Surveys.Instruments;

// The JSON shape of a definition file. Unknown properties are rejected so a typo cannot silently drop a rule.
#pragma warning disable CA1812 // instantiated by the source-generated serializer
internal sealed class DefinitionDto
{
    public string? Id { get; set; }
    public string? Version { get; set; }
    public Dictionary<string, string>? Title { get; set; }
    public string? Licence { get; set; }
    public string? Citation { get; set; }
    public string? Notes { get; set; }
    public List<string>? Languages { get; set; }
    public string? Loinc { get; set; }
    public RecallDto? RecallPeriod { get; set; }
    public Dictionary<string, string>? Instructions { get; set; }
    public Dictionary<string, List<OptionDto>>? OptionSets { get; set; }
    public List<ItemDto>? Items { get; set; }
    public ScoringDto? Scoring { get; set; }
    public AlertingDto? Alerting { get; set; }
}

internal sealed class RecallDto
{
    public int? Days { get; set; }
    public Dictionary<string, string>? Text { get; set; }
}

internal sealed class OptionDto
{
    public decimal? Value { get; set; }
    public Dictionary<string, string>? Label { get; set; }
}

internal sealed class ItemDto
{
    public string? Id { get; set; }
    public Dictionary<string, string>? Text { get; set; }
    public string? OptionSet { get; set; }
    public List<OptionDto>? Options { get; set; }
    public decimal? Min { get; set; }
    public decimal? Max { get; set; }
    public bool? Required { get; set; }
    public bool? Scored { get; set; }
    public int? Decimals { get; set; }
    public string? Loinc { get; set; }
}

internal sealed class ScoringDto
{
    public string? Method { get; set; }
    public List<string>? Items { get; set; }
    public decimal? Multiplier { get; set; }
    public int? Precision { get; set; }
    public string? Loinc { get; set; }
    public MissingDto? Missing { get; set; }
    public List<BandDto>? Bands { get; set; }
    public string? Direction { get; set; }
    public decimal? Mcid { get; set; }
    public List<SubscoreDto>? Subscores { get; set; }
    public ThresholdDto? ProblemAreas { get; set; }
    public List<string>? CriticalItems { get; set; }
    public List<FlagDto>? Flags { get; set; }
    public bool? ReportItemGrades { get; set; }
}

internal sealed class MissingDto
{
    public int? MaxMissing { get; set; }
    public string? Rounding { get; set; }
}

internal sealed class BandDto
{
    public string? Name { get; set; }
    public decimal? Min { get; set; }
    public decimal? Max { get; set; }
}

internal sealed class SubscoreDto
{
    public string? Id { get; set; }
    public List<string>? Items { get; set; }
}

internal class ThresholdDto
{
    public string? Operator { get; set; }
    public decimal? Value { get; set; }
}

internal sealed class SevereDto : ThresholdDto
{
    public List<string>? Bands { get; set; }
}

internal sealed class ConditionDto : ThresholdDto
{
    public List<string>? Items { get; set; }
    public int? MinCount { get; set; }
    public List<ItemTestDto>? And { get; set; }
}

internal sealed class ItemTestDto : ThresholdDto
{
    public string? Item { get; set; }
}

internal sealed class FlagDto
{
    public string? Name { get; set; }
    public List<ConditionDto>? When { get; set; }
}

internal sealed class AlertingDto
{
    public SevereDto? Severe { get; set; }
    public ThresholdDto? Relevant { get; set; }
    public WorseningDto? WorseThanBaseline { get; set; }
    public List<string>? Flags { get; set; }
    public List<string>? HighFlags { get; set; }
    public List<ItemAlertDto>? Items { get; set; }
}

internal sealed class WorseningDto
{
    public decimal? TotalChange { get; set; }
}

internal sealed class ItemAlertDto
{
    public List<string>? Items { get; set; }
    public ThresholdDto? Severe { get; set; }
    public ItemWorseningDto? WorseThanBaseline { get; set; }
}

internal sealed class ItemWorseningDto
{
    public decimal? MinGrade { get; set; }
    public decimal? MinIncrease { get; set; }
}
#pragma warning restore CA1812

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(DefinitionDto))]
internal sealed partial class DefinitionJsonContext : JsonSerializerContext;
