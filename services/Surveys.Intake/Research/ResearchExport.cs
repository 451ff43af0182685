using System.Globalization;
using System.Text.Json;
using Surveys.Instruments;

namespace Surveys.Intake.Research;

/// <summary>
/// The research export of one instrument: one CSV row per submission scoring answered for, with the patient's
/// pseudonymous id, days since the index date (never a calendar date), one column per item in definition order,
/// the total, band and status; and its data dictionary, built from the instrument definition.
/// </summary>
public sealed class ResearchExport(ExportStore store, InstrumentCatalog instruments)
{
    public const string ItemPrefix = "item_";

    public IReadOnlyList<string> InstrumentIds => instruments.All.Select(d => d.Id).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Every version of the instrument, oldest first; empty when there is no such instrument.</summary>
    public IReadOnlyList<InstrumentDefinition> Versions(string instrument) =>
        instruments.All.Where(d => string.Equals(d.Id, instrument, StringComparison.Ordinal)).ToList();

    /// <summary>Item ids in definition order (the current version's order, then any item only older versions had).</summary>
    public static IReadOnlyList<string> ItemIds(IReadOnlyList<InstrumentDefinition> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var ids = new List<string>();
        foreach (var version in versions.Reverse())
        {
            ids.AddRange(version.Items.Select(i => i.Id).Where(id => !ids.Contains(id, StringComparer.Ordinal)));
        }

        return ids;
    }

    public static IReadOnlyList<string> Columns(IReadOnlyList<string> itemIds) =>
        ["patient_id", "submission_id", "days_since_index", "instrument", "definition_version", "status",
            .. itemIds.Select(id => ItemPrefix + id), "total", "band", "prorated"];

    /// <summary>Writes the header and every row as they are read; returns the number of data rows.</summary>
    public async Task<long> WriteCsvAsync(string instrument, TextWriter output, CancellationToken ct)
    {
        var itemIds = ItemIds(Versions(instrument));
        var csv = new CsvWriter(output);
        foreach (var column in Columns(itemIds))
        {
            csv.Text(column);
        }

        await csv.EndRowAsync(ct);
        var days = new StudyDay();
        await foreach (var row in store.ScoredSubmissionsAsync(instrument, ct))
        {
            csv.Text(row.PatientId.ToString("D")).Text(row.SubmissionId.ToString("D"))
                .Number(days.DaysSinceIndex(row.SubmittedAt, row.IndexDate, row.TimeZone))
                .Text(instrument).Text(row.DefinitionVersion).Text(row.ScoreStatus);
            var answers = JsonSerializer.Deserialize<Dictionary<string, decimal?>>(row.Answers) ?? [];
            foreach (var id in itemIds)
            {
                csv.Number(answers.GetValueOrDefault(id));
            }

            csv.Number(row.Total is null ? null : decimal.Parse(row.Total, NumberStyles.Number, CultureInfo.InvariantCulture))
                .Text(row.Band).Number(row.Prorated);
            await csv.EndRowAsync(ct);
        }

        return csv.Rows - 1;
    }

    /// <summary>The data dictionary: each column of the export, its type, meaning and allowed values.</summary>
    public async Task WriteDictionaryAsync(string instrument, TextWriter output, CancellationToken ct)
    {
        var versions = Versions(instrument);
        var current = versions[^1];
        var csv = new CsvWriter(output);
        async Task Row(string column, string type, string meaning, string allowed)
        {
            csv.Text(column).Text(type).Text(meaning).Text(allowed);
            await csv.EndRowAsync(ct);
        }

        await Row("column", "type", "meaning", "allowed_values");
        await Row("patient_id", "text (UUID)", "Pseudonymous patient id: random, derived from nothing about the person.", "");
        await Row("submission_id", "text (UUID)", "Random id of the submission.", "");
        await Row("days_since_index", "integer",
            "Local calendar date of the submission in the patient's time zone minus the patient's index date (day 0 = index date; negative = before it). Empty when the patient has no index date.",
            "");
        await Row("instrument", "text", $"Instrument id: {current.Title.En}. Source: {current.Citation}", current.Id);
        await Row("definition_version", "text", "Version of the instrument definition the answers were given and scored under.",
            string.Join("; ", versions.Select(v => v.Version)));
        await Row("status", "text", "Scoring outcome: scored, or incomplete when too many items were unanswered (then total and band are empty).",
            "scored; incomplete");
        foreach (var id in ItemIds(versions))
        {
            var item = versions.Reverse().Select(v => v.FindItem(id)).First(i => i is not null)!;
            var role = item.Scored ? "scored item" : "not part of the total";
            var type = item.Options.Count > 0 ? "integer (answer code)" : item.AllowsDecimals ? $"decimal ({item.Decimals} decimal places)" : "integer";
            var allowed = item.Options.Count > 0
                ? string.Join("; ", item.Options.Select(o => $"{o.Value.ToString(CultureInfo.InvariantCulture)} = {o.Label.En}"))
                : $"{item.Min.ToString(CultureInfo.InvariantCulture)} to {item.Max.ToString(CultureInfo.InvariantCulture)}";
            await Row(ItemPrefix + id, type, $"Item {id} ({role}{(item.Required ? "" : ", optional")}): {item.Text.En} Empty = unanswered.", allowed);
        }

        var scoring = current.Scoring;
        var direction = scoring.Direction == ScoreDirection.HigherIsBetter ? "higher is better" : "higher is worse";
        await Row("total", "decimal",
            scoring.Method == ScoringMethod.None
                ? "This instrument has no total: always empty."
                : $"Total score as the instrument's manual computes it ({direction}); prorated when up to {scoring.Missing.MaxMissing} scored items are missing. Empty when incomplete.",
            scoring.TotalMin is { } min && scoring.TotalMax is { } max ? $"{min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}" : "");
        await Row("band", "text", "The instrument's own label for the total's range (not a diagnosis). Empty when incomplete or without a total.",
            string.Join("; ", scoring.Bands.Select(b => $"{b.Name} = {b.Min.ToString(CultureInfo.InvariantCulture)} to {b.Max.ToString(CultureInfo.InvariantCulture)}")));
        await Row("prorated", "integer", "1 when the total was prorated for missing items, else 0.", "0; 1");
    }
}
