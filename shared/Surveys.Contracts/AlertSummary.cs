namespace Surveys.Contracts;

// The notifier's GET /api/alerts/summary, sent over HTTP (not the bus): the notifier writes it, intake's outcomes
// report reads it. Counts only: no patient ids.

/// <summary>Alerts raised under one rule and how fast a nurse acknowledged them (hours; median and 90th percentile by nearest rank).</summary>
public sealed record AlertRuleSummary(
    string Rule, int Raised, int Acknowledged, int OpenUnacknowledged, double? MedianHoursToAcknowledge, double? P90HoursToAcknowledge, int AcknowledgedWithin24Hours);

/// <summary>Every rule's <see cref="AlertRuleSummary"/> for alerts raised since <see cref="Since"/> (all when null).</summary>
public sealed record AlertSummaryResponse(DateTimeOffset? Since, IReadOnlyList<AlertRuleSummary> Rules);
