using System.Globalization;
using Surveys.Contracts;

namespace Surveys.Notifier.Alerts;

public sealed record AlertCandidate(string Rule, string Severity, string Reason);

/// <summary>
/// Decides which alerts a scored submission raises. Decision support for nurses, not a diagnosis:
/// each alert says in plain words what was seen so a person can judge it.
/// </summary>
public static class AlertRules
{
    public const string CriticalItem = "critical_item";
    public const string SevereBand = "severe_band";

    // PHQ-9: item 9 (thoughts of being better off dead or of self-harm) answered 1 or more raises the
    // scorer's self_harm_risk flag, even on an incomplete form; a total of 20 or more is the severe band.
    private const decimal Phq9SevereFrom = 20m;

    public static IReadOnlyList<AlertCandidate> Evaluate(SurveyScored scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var alerts = new List<AlertCandidate>();
        if (scored.Instrument != "phq9")
        {
            return alerts;
        }

        if (scored.Flags.Contains("self_harm_risk"))
        {
            alerts.Add(new AlertCandidate(CriticalItem, "urgent",
                "PHQ-9 item 9 (thoughts of being better off dead or of hurting oneself) was answered above 'not at all'."));
        }

        if (scored.Status == "scored" && scored.Total >= Phq9SevereFrom)
        {
            alerts.Add(new AlertCandidate(SevereBand, "high",
                string.Create(CultureInfo.InvariantCulture, $"PHQ-9 total {scored.Total} is in the severe band ({Phq9SevereFrom} to 27).")));
        }

        return alerts;
    }
}
