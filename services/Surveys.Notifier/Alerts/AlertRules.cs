using System.Globalization;
using Surveys.Contracts;
using Surveys.Instruments;
using Surveys.ServiceDefaults.Messaging;

namespace Surveys.Notifier.Alerts;

public sealed record AlertCandidate(string Rule, string Severity, string Reason);

/// <summary>
/// Decides which alerts a scored submission raises, from the thresholds in the instrument's definition
/// (its <c>alerting</c> section), never from numbers in code. Decision support for nurses, not a
/// diagnosis: each alert says in plain words what was seen, so a person can judge it.
/// </summary>
public sealed class AlertRules(InstrumentCatalog catalog)
{
    public const string CriticalItem = "critical_item";
    public const string SevereBand = "severe_band";

    public IReadOnlyList<AlertCandidate> Evaluate(SurveyScored scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var definition = catalog.Find(scored.Instrument, scored.DefinitionVersion)
            ?? throw new UnprocessableMessageException(
                $"Unknown instrument '{scored.Instrument}' version '{scored.DefinitionVersion}': the notifier has no such definition loaded.");
        var name = definition.Title.En;
        var alerts = new List<AlertCandidate>();

        // 1. Critical items: fire whenever the flag is raised, complete form or not.
        var critical = definition.Alerting.Flags.Where(scored.Flags.Contains).ToList();
        if (critical.Count > 0)
        {
            var why = critical.Select(flag => Describe(definition, flag));
            alerts.Add(new AlertCandidate(CriticalItem, "urgent", $"{name}: {string.Join("; ", why)}."));
        }

        // 2. Severe range: the total (on a scored form) or any graded item at or beyond the severe threshold.
        var severe = new List<string>();
        if (scored.Status == "scored" && scored.Total is { } total && definition.Alerting.Severe is { } rule && rule.Total.IsMet(total))
        {
            severe.Add(string.Create(CultureInfo.InvariantCulture,
                $"total {total} is in the {string.Join("/", rule.Bands)} range ({rule.Total})"));
        }

        foreach (var itemRule in definition.Alerting.Items.Where(r => r.Severe is not null))
        {
            foreach (var item in itemRule.Items)
            {
                if (scored.ItemGrades.TryGetValue(item, out var grade) && itemRule.Severe!.IsMet(grade))
                {
                    severe.Add(string.Create(CultureInfo.InvariantCulture,
                        $"'{definition.FindItem(item)?.Text.En ?? item}' graded {grade} ({itemRule.Severe})"));
                }
            }
        }

        if (severe.Count > 0)
        {
            alerts.Add(new AlertCandidate(SevereBand, "high", $"{name}: {string.Join("; ", severe)}."));
        }

        return alerts;
    }

    private static string Describe(InstrumentDefinition definition, string flag)
    {
        var rule = definition.Scoring.Flags.FirstOrDefault(f => f.Name == flag);
        if (rule is null)
        {
            return flag;
        }

        var conditions = rule.When.Select(c =>
        {
            var items = string.Join(", ", c.Items.Select(i => $"item {i} ('{definition.FindItem(i)?.Text.En ?? i}')"));
            var count = c.MinCount > 1 ? $"{c.MinCount} or more of " : c.Items.Count > 1 ? "any of " : string.Empty;
            return $"{count}{items} answered {c.Test}";
        });
        return $"{flag} — {string.Join(", or ", conditions)}";
    }
}
