using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Surveys.Instruments;

/// <summary>Parses one definition file and validates it thoroughly; every fault names the file.</summary>
internal static partial class DefinitionLoader
{
    private const int MaxDecimals = 4;

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ItemIdPattern();

    [GeneratedRegex("^[0-9]{1,7}-[0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex LoincPattern();

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguagePattern();

    [GeneratedRegex("^[0-9]+(\\.[0-9]+){0,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    public static InstrumentDefinition Load(string source, string json)
    {
        DefinitionDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(json, DefinitionJsonContext.Default.DefinitionDto);
        }
        catch (JsonException ex)
        {
            throw new InstrumentDefinitionException(source, "invalid JSON: " + ex.Message, ex);
        }

        if (dto is null) throw new InstrumentDefinitionException(source, "the file holds no definition object");
        return new Builder(source, dto).Build();
    }

    private sealed class Builder(string source, DefinitionDto dto)
    {
        private string[] _languages = [];

        private InstrumentDefinitionException Fail(string fault) => new(source, fault);

        private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

        public InstrumentDefinition Build()
        {
            var id = dto.Id;
            if (string.IsNullOrWhiteSpace(id)) throw Fail("'id' is required");
            if (!IdPattern().IsMatch(id)) throw Fail($"id '{id}' must be lower case letters, digits and underscores, starting with a letter");
            if (string.IsNullOrWhiteSpace(dto.Version)) throw Fail("'version' is required");
            if (!VersionPattern().IsMatch(dto.Version)) throw Fail($"version '{dto.Version}' must look like 1.0.0");
            if (string.IsNullOrWhiteSpace(dto.Licence)) throw Fail("'licence' is required (record the licence terms)");
            if (string.IsNullOrWhiteSpace(dto.Citation)) throw Fail("'citation' is required");

            _languages = (dto.Languages ?? [LocalizedText.DefaultLanguage]).ToArray();
            if (!_languages.Contains(LocalizedText.DefaultLanguage, StringComparer.Ordinal)) throw Fail("'languages' must include \"en\"");
            if (_languages.Distinct(StringComparer.Ordinal).Count() != _languages.Length) throw Fail("'languages' must be distinct");
            foreach (var l in _languages)
            {
                if (!LanguagePattern().IsMatch(l)) throw Fail($"language code '{l}' is not valid");
            }

            var title = Text(dto.Title, "title") ?? throw Fail("'title' is required");
            var instructions = Text(dto.Instructions, "instructions");
            RecallPeriod? recall = null;
            if (dto.RecallPeriod is { } r)
            {
                if (r.Days is <= 0) throw Fail("recallPeriod.days must be positive");
                recall = new RecallPeriod(r.Days, Text(r.Text, "recallPeriod.text") ?? throw Fail("recallPeriod.text is required"));
            }

            if (dto.Loinc is not null && !LoincPattern().IsMatch(dto.Loinc)) throw Fail($"LOINC code '{dto.Loinc}' is not valid");

            var optionSets = new Dictionary<string, List<AnswerOption>>(StringComparer.Ordinal);
            foreach (var (name, options) in dto.OptionSets ?? [])
            {
                optionSets[name] = Options(options, Inv($"option set '{name}'"));
            }

            var items = BuildItems(optionSets);
            var scoring = BuildScoring(items);
            var alerting = BuildAlerting(scoring);

            return new InstrumentDefinition
            {
                Id = id,
                Version = dto.Version,
                Title = title,
                Licence = dto.Licence,
                Citation = dto.Citation,
                Notes = string.IsNullOrWhiteSpace(dto.Notes) ? null : dto.Notes,
                Languages = _languages,
                Loinc = dto.Loinc,
                RecallPeriod = recall,
                Instructions = instructions,
                Items = items,
                Scoring = scoring,
                Alerting = alerting,
                Source = source,
            };
        }

        private LocalizedText? Text(Dictionary<string, string>? texts, string what)
        {
            if (texts is null) return null;
            foreach (var l in _languages)
            {
                if (!texts.TryGetValue(l, out var t) || string.IsNullOrWhiteSpace(t))
                {
                    throw Fail($"{what} has no '{l}' text");
                }
            }

            foreach (var key in texts.Keys)
            {
                if (!_languages.Contains(key, StringComparer.Ordinal))
                {
                    throw Fail($"{what} has a '{key}' text but '{key}' is not listed in 'languages' (only validated translations may be added)");
                }
            }

            return new LocalizedText(texts);
        }

        private List<AnswerOption> Options(List<OptionDto>? options, string what)
        {
            if (options is null || options.Count == 0) throw Fail($"{what} has no answer options");
            var list = new List<AnswerOption>(options.Count);
            var values = new HashSet<decimal>();
            for (var i = 0; i < options.Count; i++)
            {
                var o = options[i];
                var pos = Inv($"{what} option {i + 1}");
                if (o.Value is not { } v) throw Fail($"{pos} has no value");
                if (!values.Add(v)) throw Fail($"{what} option values must be distinct");
                var label = Text(o.Label, pos + " label") ?? throw Fail($"{pos} has no label");
                list.Add(new AnswerOption(v, label));
            }

            return list;
        }

        private List<ItemDefinition> BuildItems(Dictionary<string, List<AnswerOption>> optionSets)
        {
            if (dto.Items is null || dto.Items.Count == 0) throw Fail("'items' must list at least one item");
            var scoredIds = new HashSet<string>(dto.Scoring?.Items ?? [], StringComparer.Ordinal);
            var critical = new HashSet<string>(dto.Scoring?.CriticalItems ?? [], StringComparer.Ordinal);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var items = new List<ItemDefinition>(dto.Items.Count);
            for (var n = 0; n < dto.Items.Count; n++)
            {
                var it = dto.Items[n];
                if (string.IsNullOrWhiteSpace(it.Id)) throw Fail(Inv($"item {n + 1} has no id"));
                var id = it.Id;
                if (!ItemItemIdOk(id)) throw Fail($"item id '{id}' may only hold letters, digits, '_', '-' and '.'");
                if (!ids.Add(id)) throw Fail($"item id '{id}' is used twice");
                var what = $"item '{id}'";
                var text = Text(it.Text, what + " text") ?? throw Fail($"{what} has no text");
                if (it.Loinc is not null && !LoincPattern().IsMatch(it.Loinc)) throw Fail($"{what} LOINC code '{it.Loinc}' is not valid");

                var decimals = it.Decimals ?? 0;
                if (decimals is < 0 or > MaxDecimals) throw Fail(Inv($"{what} decimals must be between 0 and {MaxDecimals}"));

                List<AnswerOption> options;
                if (it.OptionSet is not null)
                {
                    if (it.Options is not null) throw Fail($"{what} gives both 'optionSet' and 'options'");
                    if (!optionSets.TryGetValue(it.OptionSet, out var set)) throw Fail($"{what} refers to unknown option set '{it.OptionSet}'");
                    options = set;
                }
                else if (it.Options is not null)
                {
                    options = Options(it.Options, what);
                }
                else
                {
                    options = [];
                }

                decimal min, max;
                if (options.Count > 0)
                {
                    min = it.Min ?? options.Min(o => o.Value);
                    max = it.Max ?? options.Max(o => o.Value);
                }
                else
                {
                    if (it.Min is null || it.Max is null) throw Fail($"{what} needs answer options or both 'min' and 'max'");
                    min = it.Min.Value;
                    max = it.Max.Value;
                }

                if (min > max) throw Fail($"{what} min must not be greater than max");
                if (!HasAtMostDecimals(min, decimals) || !HasAtMostDecimals(max, decimals))
                {
                    throw Fail(Inv($"{what} min and max must have at most {decimals} decimal places"));
                }

                foreach (var o in options)
                {
                    if (o.Value < min || o.Value > max)
                    {
                        throw Fail(Inv($"{what} option value {o.Value} is outside its min/max {min}-{max}"));
                    }

                    if (!HasAtMostDecimals(o.Value, decimals))
                    {
                        throw Fail(Inv($"{what} option value {o.Value} has more than {decimals} decimal places"));
                    }
                }

                var inScoring = scoredIds.Contains(id);
                var scored = it.Scored ?? inScoring;
                if (scored && !inScoring) throw Fail($"{what} is marked scored but is not listed in scoring.items");
                if (!scored && inScoring) throw Fail($"{what} is listed in scoring.items but marked not scored");
                var required = it.Required ?? true;
                if (scored && !required) throw Fail($"{what} is scored, so it must be required (use scoring.missing.maxMissing to allow blanks)");
                if (scored && decimals != 0) throw Fail($"{what} is scored, so its answers must be integers (decimals 0)");
                if (critical.Contains(id) && !required)
                {
                    throw Fail($"{what} is a critical item (scoring.criticalItems), so it must be required: no route may accept a form without it");
                }

                items.Add(new ItemDefinition
                {
                    Id = id,
                    Text = text,
                    Options = options,
                    Min = min,
                    Max = max,
                    Required = required,
                    Scored = scored,
                    Decimals = decimals,
                    Loinc = it.Loinc,
                    Critical = critical.Contains(id),
                });
            }

            return items;
        }

        private static bool ItemItemIdOk(string id) => ItemIdPattern().IsMatch(id);

        private ItemDefinition Item(List<ItemDefinition> items, string? id, string what)
        {
            if (id is null) throw Fail($"{what} has an empty item id");
            foreach (var i in items)
            {
                if (string.Equals(i.Id, id, StringComparison.Ordinal)) return i;
            }

            throw Fail($"{what} refers to unknown item '{id}'");
        }

        private List<string> ItemList(List<ItemDefinition> items, List<string>? ids, string what, bool allowEmpty = false)
        {
            if (ids is null || ids.Count == 0)
            {
                if (allowEmpty) return [];
                throw Fail($"{what} must list at least one item");
            }

            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                Item(items, id, what);
                if (!set.Add(id)) throw Fail($"{what} lists item '{id}' twice");
            }

            return [.. ids];
        }

        private Threshold ParseThreshold(ThresholdDto t, string what)
        {
            var op = t.Operator switch
            {
                "ge" => ComparisonOperator.Ge,
                "gt" => ComparisonOperator.Gt,
                "le" => ComparisonOperator.Le,
                "lt" => ComparisonOperator.Lt,
                "eq" => ComparisonOperator.Eq,
                null => throw Fail($"{what} needs an 'operator' (ge, gt, le, lt or eq)"),
                _ => throw Fail($"{what} operator '{t.Operator}' is not one of ge, gt, le, lt, eq"),
            };
            if (t.Value is not { } v) throw Fail($"{what} needs a 'value'");
            return new Threshold(op, v);
        }

        private ScoringDefinition BuildScoring(List<ItemDefinition> items)
        {
            var s = dto.Scoring ?? throw Fail("'scoring' is required");
            var method = s.Method switch
            {
                "sum" => ScoringMethod.Sum,
                "none" => ScoringMethod.None,
                null => throw Fail("scoring.method is required (sum or none)"),
                _ => throw Fail($"scoring.method '{s.Method}' is not supported (sum or none)"),
            };

            var critical = ItemList(items, s.CriticalItems, "scoring.criticalItems", allowEmpty: true);
            var flags = BuildFlags(items, s.Flags);

            if (method == ScoringMethod.None)
            {
                if (s.Items is { Count: > 0 }) throw Fail("scoring.items must be empty when scoring.method is none");
                if (s.Bands is { Count: > 0 }) throw Fail("scoring.bands must be empty when scoring.method is none");
                if (s.Multiplier is not null || s.Precision is not null || s.Missing is not null || s.Mcid is not null
                    || s.Subscores is { Count: > 0 } || s.ProblemAreas is not null || s.Loinc is not null)
                {
                    throw Fail("scoring.method none has no total: multiplier, precision, missing, mcid, subscores, problemAreas and loinc do not apply");
                }

                return new ScoringDefinition
                {
                    Method = method,
                    Items = [],
                    Multiplier = 1,
                    Precision = 0,
                    Missing = new MissingItemPolicy { MaxMissing = 0, RoundingDecimals = 0 },
                    Bands = [],
                    Direction = ParseDirection(s.Direction, required: false),
                    Subscores = [],
                    CriticalItems = critical,
                    Flags = flags,
                    ReportItemGrades = s.ReportItemGrades ?? false,
                };
            }

            var scoredIds = ItemList(items, s.Items, "scoring.items");
            var scored = scoredIds.Select(id => Item(items, id, "scoring.items")).ToList();
            var multiplier = s.Multiplier ?? 1m;
            if (multiplier <= 0) throw Fail("scoring.multiplier must be positive");
            var precision = s.Precision ?? 0;
            if (precision is < 0 or > MaxDecimals) throw Fail(Inv($"scoring.precision must be between 0 and {MaxDecimals}"));
            if (!HasAtMostDecimals(multiplier, precision))
            {
                throw Fail(Inv($"scoring.multiplier {multiplier} gives totals with more than {precision} decimal places (raise scoring.precision)"));
            }

            var maxMissing = s.Missing?.MaxMissing ?? 0;
            if (maxMissing < 0 || maxMissing >= scored.Count)
            {
                throw Fail(Inv($"scoring.missing.maxMissing must be between 0 and {scored.Count - 1}"));
            }

            if (s.Missing?.Rounding is { } rounding && !string.Equals(rounding, "half_up", StringComparison.Ordinal))
            {
                throw Fail($"scoring.missing.rounding '{rounding}' is not supported (half_up)");
            }

            if (s.Loinc is not null && !LoincPattern().IsMatch(s.Loinc)) throw Fail($"scoring LOINC code '{s.Loinc}' is not valid");

            var totalMin = scored.Sum(i => i.Min) * multiplier;
            var totalMax = scored.Sum(i => i.Max) * multiplier;
            var bands = BuildBands(s.Bands, totalMin, totalMax, precision);

            if (s.Mcid is { } mcid && mcid <= 0) throw Fail("scoring.mcid must be positive (a magnitude; 'direction' says which way is worse)");

            var subscores = new List<SubscoreDefinition>();
            var subIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sub in s.Subscores ?? [])
            {
                if (string.IsNullOrWhiteSpace(sub.Id) || !IdPattern().IsMatch(sub.Id)) throw Fail("each scoring.subscores entry needs an id of lower case letters, digits and underscores");
                if (!subIds.Add(sub.Id)) throw Fail($"subscore '{sub.Id}' is defined twice");
                var what = $"subscore '{sub.Id}'";
                var list = ItemList(items, sub.Items, what);
                foreach (var id in list)
                {
                    if (!scoredIds.Contains(id, StringComparer.Ordinal)) throw Fail($"{what} item '{id}' is not a scored item");
                }

                subscores.Add(new SubscoreDefinition(sub.Id, list));
            }

            Threshold? problemAreas = s.ProblemAreas is null ? null : ParseThreshold(s.ProblemAreas, "scoring.problemAreas");

            return new ScoringDefinition
            {
                Method = method,
                Items = scoredIds,
                Multiplier = multiplier,
                Precision = precision,
                TotalMin = totalMin,
                TotalMax = totalMax,
                Loinc = s.Loinc,
                Missing = new MissingItemPolicy { MaxMissing = maxMissing, RoundingDecimals = precision },
                Bands = bands,
                Direction = ParseDirection(s.Direction, required: true),
                Mcid = s.Mcid,
                Subscores = subscores,
                ProblemAreas = problemAreas,
                CriticalItems = critical,
                Flags = flags,
                ReportItemGrades = s.ReportItemGrades ?? false,
            };
        }

        private ScoreDirection ParseDirection(string? d, bool required) => d switch
        {
            "higher_is_worse" => ScoreDirection.HigherIsWorse,
            "higher_is_better" => ScoreDirection.HigherIsBetter,
            null when !required => ScoreDirection.HigherIsWorse,
            null => throw Fail("scoring.direction is required (higher_is_worse or higher_is_better)"),
            _ => throw Fail($"scoring.direction '{d}' is not higher_is_worse or higher_is_better"),
        };

        private List<ScoreBand> BuildBands(List<BandDto>? dtos, decimal totalMin, decimal totalMax, int precision)
        {
            if (dtos is null || dtos.Count == 0) throw Fail("scoring.bands must list at least one band");
            var step = 1m;
            for (var i = 0; i < precision; i++) step /= 10m;
            var names = new HashSet<string>(StringComparer.Ordinal);
            var bands = new List<ScoreBand>(dtos.Count);
            foreach (var b in dtos)
            {
                if (string.IsNullOrWhiteSpace(b.Name) || !IdPattern().IsMatch(b.Name)) throw Fail("each band needs a name of lower case letters, digits and underscores");
                var what = $"band '{b.Name}'";
                if (!names.Add(b.Name)) throw Fail($"{what} is defined twice");
                if (b.Min is not { } min || b.Max is not { } max) throw Fail($"{what} needs both min and max");
                if (min > max) throw Fail($"{what} min is greater than its max");
                if (!HasAtMostDecimals(min, precision) || !HasAtMostDecimals(max, precision))
                {
                    throw Fail(Inv($"{what} bounds must have at most {precision} decimal places (scoring.precision)"));
                }

                bands.Add(new ScoreBand(b.Name, min, max));
            }

            if (bands[0].Min != totalMin)
            {
                throw Fail(Inv($"bands must start at the lowest possible total {totalMin}, but band '{bands[0].Name}' starts at {bands[0].Min}"));
            }

            for (var i = 1; i < bands.Count; i++)
            {
                var prev = bands[i - 1];
                var cur = bands[i];
                if (cur.Min <= prev.Max) throw Fail($"bands '{prev.Name}' and '{cur.Name}' overlap (bands must be in ascending order without overlap)");
                if (cur.Min != prev.Max + step)
                {
                    throw Fail(Inv($"bands '{prev.Name}' and '{cur.Name}' leave a gap: '{cur.Name}' must start at {prev.Max + step}"));
                }
            }

            if (bands[^1].Max != totalMax)
            {
                throw Fail(Inv($"bands must end at the highest possible total {totalMax}, but band '{bands[^1].Name}' ends at {bands[^1].Max}"));
            }

            return bands;
        }

        private List<FlagRule> BuildFlags(List<ItemDefinition> items, List<FlagDto>? dtos)
        {
            var rules = new List<FlagRule>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var f in dtos ?? [])
            {
                if (string.IsNullOrWhiteSpace(f.Name) || !IdPattern().IsMatch(f.Name)) throw Fail("each flag needs a name of lower case letters, digits and underscores");
                var what = $"flag '{f.Name}'";
                if (!names.Add(f.Name)) throw Fail($"{what} is defined twice");
                if (f.When is null || f.When.Count == 0) throw Fail($"{what} needs at least one condition in 'when'");
                var conditions = new List<FlagCondition>();
                foreach (var c in f.When)
                {
                    var list = ItemList(items, c.Items, what);
                    var test = ParseThreshold(c, what);
                    var minCount = c.MinCount ?? 1;
                    if (minCount < 1 || minCount > list.Count) throw Fail(Inv($"{what} minCount must be between 1 and {list.Count}"));
                    var canFire = list.Count(id => CanMeet(Item(items, id, what), test));
                    if (canFire < minCount) throw Fail($"{what} condition {test} can never be met by the answers its items allow");
                    var and = new List<ItemTest>();
                    foreach (var r in c.And ?? [])
                    {
                        var item = Item(items, r.Item, what + " 'and'");
                        var rt = ParseThreshold(r, $"{what} 'and' on item '{item.Id}'");
                        if (!CanMeet(item, rt)) throw Fail($"{what} requirement item '{item.Id}' {rt} can never be met by the answers it allows");
                        and.Add(new ItemTest(item.Id, rt));
                    }

                    conditions.Add(new FlagCondition(list, test, minCount) { And = and });
                }

                rules.Add(new FlagRule(f.Name, conditions));
            }

            return rules;
        }

        private static bool CanMeet(ItemDefinition item, Threshold t)
        {
            if (item.Options.Count > 0) return item.Options.Any(o => t.IsMet(o.Value));
            return t.Operator switch
            {
                ComparisonOperator.Ge => item.Max >= t.Value,
                ComparisonOperator.Gt => item.Max > t.Value,
                ComparisonOperator.Le => item.Min <= t.Value,
                ComparisonOperator.Lt => item.Min < t.Value,
                _ => t.Value >= item.Min && t.Value <= item.Max && HasAtMostDecimals(t.Value, item.Decimals),
            };
        }

        private AlertingDefinition BuildAlerting(ScoringDefinition scoring)
        {
            var a = dto.Alerting;
            if (a is null) return AlertingDefinition.Empty;
            var hasTotal = scoring.Method == ScoringMethod.Sum;

            SevereRule? severe = null;
            if (a.Severe is { } sv)
            {
                if (!hasTotal) throw Fail("alerting.severe needs a total (scoring.method sum); use alerting.items for item grades");
                var t = ParseThreshold(sv, "alerting.severe");
                var bandNames = sv.Bands ?? [];
                foreach (var name in bandNames)
                {
                    var band = scoring.Bands.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.Ordinal))
                        ?? throw Fail($"alerting.severe refers to unknown band '{name}'");
                    if (!t.IsMet(band.Min) || !t.IsMet(band.Max))
                    {
                        throw Fail($"alerting.severe band '{name}' ({band.Min.ToString(CultureInfo.InvariantCulture)}-{band.Max.ToString(CultureInfo.InvariantCulture)}) is not wholly within {t}");
                    }
                }

                severe = new SevereRule(t, [.. bandNames]);
            }

            Threshold? relevant = null;
            if (a.Relevant is { } rel)
            {
                if (!hasTotal) throw Fail("alerting.relevant needs a total (scoring.method sum)");
                relevant = ParseThreshold(rel, "alerting.relevant");
            }

            WorseningRule? worse = null;
            if (a.WorseThanBaseline is { } w)
            {
                if (!hasTotal) throw Fail("alerting.worseThanBaseline needs a total (scoring.method sum); use alerting.items for item grades");
                if (w.TotalChange is not { } change || change == 0) throw Fail("alerting.worseThanBaseline.totalChange must be a non-zero number");
                var worseUp = scoring.Direction == ScoreDirection.HigherIsWorse;
                if (worseUp != change > 0)
                {
                    throw Fail("alerting.worseThanBaseline.totalChange must be positive when higher is worse and negative when higher is better");
                }

                if (scoring.Mcid is { } mcid && Math.Abs(change) != mcid)
                {
                    throw Fail(Inv($"alerting.worseThanBaseline.totalChange {change} does not match scoring.mcid {mcid}"));
                }

                worse = new WorseningRule(change);
            }

            var flags = new List<string>();
            foreach (var f in a.Flags ?? [])
            {
                if (!scoring.Flags.Any(r => string.Equals(r.Name, f, StringComparison.Ordinal))) throw Fail($"alerting.flags refers to unknown flag '{f}'");
                if (flags.Contains(f, StringComparer.Ordinal)) throw Fail($"alerting.flags lists '{f}' twice");
                flags.Add(f);
            }

            var highFlags = new List<string>();
            foreach (var f in a.HighFlags ?? [])
            {
                if (!flags.Contains(f, StringComparer.Ordinal)) throw Fail($"alerting.highFlags lists '{f}', which is not in alerting.flags");
                if (highFlags.Contains(f, StringComparer.Ordinal)) throw Fail($"alerting.highFlags lists '{f}' twice");
                highFlags.Add(f);
            }

            var itemRules = new List<ItemAlertRule>();
            var allItems = dto.Items!.Select(i => i.Id!).ToHashSet(StringComparer.Ordinal);
            foreach (var ir in a.Items ?? [])
            {
                if (ir.Items is null || ir.Items.Count == 0) throw Fail("each alerting.items rule must list at least one item");
                foreach (var id in ir.Items)
                {
                    if (!allItems.Contains(id)) throw Fail($"alerting.items refers to unknown item '{id}'");
                }

                var sev = ir.Severe is null ? null : ParseThreshold(ir.Severe, "alerting.items severe");
                ItemWorseningRule? iw = null;
                if (ir.WorseThanBaseline is { } x)
                {
                    if (x.MinGrade is not { } g || x.MinIncrease is not { } inc || inc <= 0)
                    {
                        throw Fail("alerting.items worseThanBaseline needs minGrade and a positive minIncrease");
                    }

                    iw = new ItemWorseningRule(g, inc);
                }

                if (sev is null && iw is null) throw Fail("each alerting.items rule needs 'severe' or 'worseThanBaseline'");
                itemRules.Add(new ItemAlertRule([.. ir.Items], sev, iw));
            }

            return new AlertingDefinition
            {
                Severe = severe,
                Relevant = relevant,
                WorseThanBaseline = worse,
                Flags = flags,
                HighFlags = highFlags,
                Items = itemRules,
            };
        }
    }

    internal static bool HasAtMostDecimals(decimal value, int decimals) =>
        decimal.Round(value, decimals, MidpointRounding.AwayFromZero) == value;
}
