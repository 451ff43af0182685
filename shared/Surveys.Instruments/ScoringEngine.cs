using System.Globalization;
using System.Text;

namespace Surveys.Instruments;

/// <summary>
/// Scores answers against the catalog's definitions. One generic interpreter: nothing here is specific to an instrument.
/// Thread-safe; build it once and share it.
/// </summary>
public sealed class ScoringEngine
{
    private readonly InstrumentCatalog _catalog;
    private readonly Dictionary<InstrumentDefinition, Compiled> _compiled;

    public ScoringEngine(InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _compiled = new Dictionary<InstrumentDefinition, Compiled>(ReferenceEqualityComparer.Instance);
        foreach (var d in catalog.All)
        {
            _compiled[d] = new Compiled(d);
        }
    }

    public InstrumentCatalog Catalog => _catalog;

    /// <summary>
    /// Scores one response. Unanswered = key absent or value null. Never throws for bad answers: they give
    /// <see cref="ScoreStatus.Invalid"/> with errors naming the items.
    /// </summary>
    public ScoreResult Score(string instrument, IReadOnlyDictionary<string, decimal?> answers, string? version = null)
    {
        ArgumentNullException.ThrowIfNull(answers);
        instrument ??= string.Empty;
        var def = _catalog.Find(instrument, version);
        if (def is null)
        {
            var message = _catalog.Find(instrument) is null
                ? $"Unknown instrument '{instrument}'."
                : $"Unknown version '{version}' of instrument '{instrument}'.";
            return new ScoreResult
            {
                Instrument = instrument,
                Status = ScoreStatus.Invalid,
                Errors = [new AnswerError(null, message)],
                Error = message,
            };
        }

        return _compiled[def].Score(answers);
    }

    /// <summary>
    /// The rule every route applies before it accepts a patient's form (the survey pages, <c>POST /api/responses</c>,
    /// <c>POST /fhir/QuestionnaireResponse</c>), so they all accept exactly the same forms: every answer valid (as
    /// <see cref="Score"/> checks it), at least one question answered, and every required item answered (every
    /// critical item is required). Returns one error per fault, naming the item and its question; empty when the
    /// form may be accepted. Proration stays in <see cref="Score"/> for answers collected elsewhere (the CLI, imports).
    /// </summary>
    public IReadOnlyList<AnswerError> CheckSubmission(string instrument, IReadOnlyDictionary<string, decimal?> answers, string? version = null)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var result = Score(instrument, answers, version);
        var def = _catalog.Find(instrument ?? string.Empty, version);
        if (def is null) return result.Errors;

        var errors = new List<AnswerError>(result.Errors);
        if (!answers.Values.Any(v => v is not null))
        {
            errors.Add(new AnswerError(null, "no question is answered: answer the questions, then send the form") { Unanswered = true });
            return errors;
        }

        foreach (var item in def.Items)
        {
            if (!item.Required || (answers.TryGetValue(item.Id, out var v) && v is not null)) continue;
            var must = item.Critical ? "this question must always be answered" : "every question not marked optional must be answered";
            errors.Add(new AnswerError(item.Id, $"item '{item.Id}' (\"{item.Text.En}\") is not answered: {must}") { Unanswered = true });
        }

        return errors;
    }

    /// <summary>A definition pre-processed into arrays so scoring does no searching.</summary>
    private sealed class Compiled
    {
        private readonly InstrumentDefinition _def;
        private readonly Dictionary<string, int> _index;
        private readonly ItemDefinition[] _items;
        private readonly decimal[][] _optionValues; // empty = any value within min/max
        private readonly int[] _scored;
        private readonly (string Id, int[] Items)[] _subscores;
        private readonly (string Name, (int[] Items, Threshold Test, int MinCount, (int Item, Threshold Test)[] And)[] When)[] _flags;
        private readonly decimal _multiplier;
        private readonly int _precision;
        private readonly int _maxMissing;
        private readonly bool _hasTotal;

        public Compiled(InstrumentDefinition def)
        {
            _def = def;
            _items = [.. def.Items];
            _index = new Dictionary<string, int>(_items.Length, StringComparer.Ordinal);
            for (var i = 0; i < _items.Length; i++) _index[_items[i].Id] = i;
            _optionValues = [.. _items.Select(i => i.Options.Select(o => o.Value).ToArray())];
            var s = def.Scoring;
            _scored = [.. s.Items.Select(id => _index[id])];
            _subscores = [.. s.Subscores.Select(x => (x.Id, x.Items.Select(id => _index[id]).ToArray()))];
            _flags = [.. s.Flags.Select(f => (f.Name, f.When.Select(c =>
                (c.Items.Select(id => _index[id]).ToArray(), c.Test, c.MinCount, c.And.Select(r => (_index[r.Item], r.Test)).ToArray())).ToArray()))];
            _multiplier = s.Multiplier;
            _precision = s.Precision;
            _maxMissing = s.Missing.MaxMissing;
            _hasTotal = s.Method == ScoringMethod.Sum;
        }

        public ScoreResult Score(IReadOnlyDictionary<string, decimal?> answers)
        {
            var values = new decimal?[_items.Length];
            List<AnswerError>? errors = null;
            foreach (var (key, value) in answers)
            {
                if (key is null || !_index.TryGetValue(key, out var i))
                {
                    (errors ??= []).Add(new AnswerError(key, $"unknown item '{key}'"));
                    continue;
                }

                if (value is not { } v) continue;
                var problem = Check(i, v);
                if (problem is not null)
                {
                    (errors ??= []).Add(new AnswerError(key, problem));
                    continue;
                }

                values[i] = v;
            }

            var flags = EvaluateFlags(values);

            if (errors is not null)
            {
                return new ScoreResult
                {
                    Instrument = _def.Id,
                    Version = _def.Version,
                    Status = ScoreStatus.Invalid,
                    Flags = flags,
                    Errors = errors,
                    Error = Sentence(errors),
                };
            }

            // Completeness.
            List<string>? missing = null;
            var missingScored = 0;
            var missingRequiredUnscored = false;
            for (var i = 0; i < _items.Length; i++)
            {
                if (values[i] is not null) continue;
                var item = _items[i];
                if (item.Scored)
                {
                    missingScored++;
                    (missing ??= []).Add(item.Id);
                }
                else if (item.Required)
                {
                    missingRequiredUnscored = true;
                    (missing ??= []).Add(item.Id);
                }
            }

            var complete = !missingRequiredUnscored && missingScored <= _maxMissing;
            decimal? total = null, raw = null;
            string? band = null;
            var prorated = false;
            if (complete && _hasTotal)
            {
                var sum = 0m;
                foreach (var i in _scored) sum += values[i].GetValueOrDefault();
                raw = sum;
                var answered = _scored.Length - missingScored;
                if (missingScored == 0)
                {
                    total = Normalise(sum * _multiplier);
                }
                else
                {
                    // Multiply before dividing so the only inexact step is the final, documented rounding.
                    total = Normalise(decimal.Round(sum * _multiplier * _scored.Length / answered, _precision, MidpointRounding.AwayFromZero));
                    prorated = true;
                }

                band = _def.Scoring.BandFor(total.Value)?.Name;
            }

            return new ScoreResult
            {
                Instrument = _def.Id,
                Version = _def.Version,
                Status = complete ? ScoreStatus.Scored : ScoreStatus.Incomplete,
                Total = total,
                RawScore = raw,
                Band = band,
                Prorated = prorated,
                Flags = flags,
                Subscores = Subscores(values),
                ProblemAreas = ProblemAreas(values),
                ItemGrades = ItemGrades(values),
                MissingItems = missing ?? ScoreResult.NoStrings,
            };
        }

        private string? Check(int i, decimal v)
        {
            var item = _items[i];
            if (!DefinitionLoader.HasAtMostDecimals(v, item.Decimals))
            {
                return item.Decimals == 0
                    ? Invariant($"item '{item.Id}': {v} is not a whole number")
                    : Invariant($"item '{item.Id}': {v} has more than {item.Decimals} decimal place{(item.Decimals == 1 ? "" : "s")}");
            }

            if (v < item.Min || v > item.Max)
            {
                return Invariant($"item '{item.Id}': {v} is outside the allowed range {item.Min}-{item.Max}");
            }

            var options = _optionValues[i];
            if (options.Length > 0 && Array.IndexOf(options, v) < 0)
            {
                return Invariant($"item '{item.Id}': {v} is not one of its answer options");
            }

            return null;
        }

        private IReadOnlyList<string> EvaluateFlags(decimal?[] values)
        {
            List<string>? raised = null;
            foreach (var (name, when) in _flags)
            {
                foreach (var (items, test, minCount, and) in when)
                {
                    var count = 0;
                    foreach (var i in items)
                    {
                        if (values[i] is { } v && test.IsMet(v)) count++;
                    }

                    var requirementsHold = true;
                    foreach (var (i, t) in and)
                    {
                        requirementsHold &= values[i] is { } v && t.IsMet(v);
                    }

                    if (count >= minCount && requirementsHold)
                    {
                        (raised ??= []).Add(name);
                        break;
                    }
                }
            }

            return raised ?? ScoreResult.NoStrings;
        }

        private IReadOnlyDictionary<string, decimal> Subscores(decimal?[] values)
        {
            if (_subscores.Length == 0) return ScoreResult.NoValues;
            Dictionary<string, decimal>? result = null;
            foreach (var (id, items) in _subscores)
            {
                var sum = 0m;
                var all = true;
                foreach (var i in items)
                {
                    if (values[i] is { } v) sum += v;
                    else
                    {
                        all = false;
                        break;
                    }
                }

                if (all) (result ??= new Dictionary<string, decimal>(StringComparer.Ordinal))[id] = sum;
            }

            return result ?? ScoreResult.NoValues;
        }

        private IReadOnlyList<string> ProblemAreas(decimal?[] values)
        {
            if (_def.Scoring.ProblemAreas is not { } t) return ScoreResult.NoStrings;
            List<string>? list = null;
            foreach (var i in _scored)
            {
                if (values[i] is { } v && t.IsMet(v)) (list ??= []).Add(_items[i].Id);
            }

            return list ?? ScoreResult.NoStrings;
        }

        private IReadOnlyDictionary<string, decimal> ItemGrades(decimal?[] values)
        {
            if (!_def.Scoring.ReportItemGrades) return ScoreResult.NoValues;
            var grades = new Dictionary<string, decimal>(_items.Length, StringComparer.Ordinal);
            for (var i = 0; i < _items.Length; i++)
            {
                if (values[i] is { } v) grades[_items[i].Id] = Normalise(v);
            }

            return grades;
        }

        private static string Sentence(List<AnswerError> errors)
        {
            var sb = new StringBuilder(errors.Count == 1 ? "Invalid answer: " : "Invalid answers: ");
            for (var i = 0; i < errors.Count; i++)
            {
                if (i > 0) sb.Append("; ");
                sb.Append(errors[i].Message);
            }

            return sb.Append('.').ToString();
        }

        private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Removes trailing zeros (40.00 → 40) so totals print as the manuals write them.</summary>
    internal static decimal Normalise(decimal d) => d / 1.0000000000000000000000000000m;
}
