using System.Globalization;
using System.Text;
using Surveys.Instruments;
using Surveys.Notifier.Data;
using Surveys.ServiceDefaults.Pages;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.Notifier.Inbox;

/// <summary>
/// A patient's totals for one instrument over time as a server-rendered SVG, with the instrument's band
/// boundaries drawn, and the same figures as a table for screen readers and print.
/// </summary>
public static class ScoreChart
{
    public static string Render(InstrumentDefinition definition, string name, IReadOnlyList<ScoreEntry> scores)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(scores);
        var points = scores.Where(s => s.Total is not null).OrderBy(s => s.SubmittedAt).ToList();
        var html = new StringBuilder("<figure class=\"chart\">");
        html.Append("<figcaption><strong>").Append(E(name)).Append("</strong></figcaption>");
        if (points.Count == 0 || definition.Scoring.TotalMin is not { } min || definition.Scoring.TotalMax is not { } max || max <= min)
        {
            html.Append("<p>").Append(points.Count == 0 ? "No scored results yet." : "This form has no total to chart.").Append("</p>");
            return html.Append(Table(scores)).Append("</figure>").ToString();
        }

        // Band boundaries: a line at the bottom of each band above the lowest, labelled with the band's name.
        var first = points[0].SubmittedAt;
        var spec = new ChartSpec(
            $"chart-{definition.Id}",
            $"{name}: {points.Count} results from {points[0].SubmittedAt:yyyy-MM-dd} to {points[^1].SubmittedAt:yyyy-MM-dd}; latest {points[^1].Total}",
            (double)min,
            (double)max,
            [new ChartSeries(points.Select(p => new ChartPoint((p.SubmittedAt - first).TotalSeconds, (double)p.Total!.Value)).ToList())])
        {
            Guides = definition.Scoring.Bands.OrderBy(b => b.Min).Select(b => new ChartGuide((double)b.Min, b.Name.Replace('_', ' '), b.Min > min)).ToList(),
            YTicks = [new ChartTick((double)min, min.ToString(CultureInfo.InvariantCulture)), new ChartTick((double)max, max.ToString(CultureInfo.InvariantCulture))],
            XTicks = [new ChartTick(0, Day(first)), new ChartTick((points[^1].SubmittedAt - first).TotalSeconds, Day(points[^1].SubmittedAt))],
        };
        return html.Append(SvgChart.Render(spec)).Append(Table(scores)).Append("</figure>").ToString();
    }

    private static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Table(IReadOnlyList<ScoreEntry> scores)
    {
        var html = new StringBuilder("<table><thead><tr><th scope=\"col\">Submitted</th><th scope=\"col\">Total</th><th scope=\"col\">Band</th><th scope=\"col\">Status</th></tr></thead><tbody>");
        foreach (var score in scores.OrderBy(s => s.SubmittedAt))
        {
            html.Append("<tr><td>").Append(E(score.SubmittedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</td><td>")
                .Append(E(score.Total?.ToString(CultureInfo.InvariantCulture) ?? "–")).Append(score.Prorated ? " (prorated)" : string.Empty).Append("</td><td>")
                .Append(E(score.Band?.Replace('_', ' ') ?? "–")).Append("</td><td>").Append(E(score.Status)).Append("</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }
}
