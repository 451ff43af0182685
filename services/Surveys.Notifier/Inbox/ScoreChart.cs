using System.Globalization;
using System.Text;
using Surveys.Instruments;
using Surveys.Notifier.Data;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.Notifier.Inbox;

/// <summary>
/// A patient's totals for one instrument over time as a server-rendered SVG, with the instrument's band
/// boundaries drawn, and the same figures as a table for screen readers and print.
/// </summary>
public static class ScoreChart
{
    private const int Width = 640;
    private const int Height = 260;
    private const int Left = 48;
    private const int Right = 16;
    private const int Top = 16;
    private const int Bottom = 36;

    public static string Render(InstrumentDefinition definition, string name, IReadOnlyList<ScoreEntry> scores)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(scores);
        var points = scores.Where(s => s.Total is not null).OrderBy(s => s.SubmittedAt).ToList();
        var id = $"chart-{definition.Id}";
        var html = new StringBuilder("<figure class=\"chart\">");
        html.Append("<figcaption><strong>").Append(E(name)).Append("</strong></figcaption>");
        if (points.Count == 0 || definition.Scoring.TotalMin is not { } min || definition.Scoring.TotalMax is not { } max || max <= min)
        {
            html.Append("<p>").Append(points.Count == 0 ? "No scored results yet." : "This form has no total to chart.").Append("</p>");
            return html.Append(Table(scores)).Append("</figure>").ToString();
        }

        var first = points[0].SubmittedAt;
        var span = Math.Max(1, (points[^1].SubmittedAt - first).TotalSeconds);
        double X(DateTimeOffset at) => points.Count == 1 ? Left + ((Width - Left - Right) / 2.0) : Left + ((at - first).TotalSeconds / span * (Width - Left - Right));
        double Y(decimal value) => Top + ((double)((max - value) / (max - min)) * (Height - Top - Bottom));
        string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

        html.Append("<svg viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height).Append("\" role=\"img\" aria-labelledby=\"").Append(id).Append("-title\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title id=\"").Append(id).Append("-title\">").Append(E($"{name}: {points.Count} results from {points[0].SubmittedAt:yyyy-MM-dd} to {points[^1].SubmittedAt:yyyy-MM-dd}; latest {points[^1].Total}")).Append("</title>")
            .Append("<rect x=\"0\" y=\"0\" width=\"").Append(Width).Append("\" height=\"").Append(Height).Append("\" fill=\"#ffffff\"/>");

        // Band boundaries: a line at the bottom of each band above the lowest, labelled with the band's name.
        foreach (var band in definition.Scoring.Bands.OrderBy(b => b.Min))
        {
            var y = Y(band.Min);
            if (band.Min > min)
            {
                html.Append("<line x1=\"").Append(Left).Append("\" x2=\"").Append(Width - Right).Append("\" y1=\"").Append(N(y)).Append("\" y2=\"").Append(N(y))
                    .Append("\" stroke=\"#b1b4b6\" stroke-dasharray=\"4 4\"/>");
            }

            html.Append("<text x=\"").Append(Width - Right - 4).Append("\" y=\"").Append(N(y - 4)).Append("\" text-anchor=\"end\" font-size=\"12\" fill=\"#505a5f\">")
                .Append(E(band.Name.Replace('_', ' '))).Append("</text>");
        }

        html.Append("<line x1=\"").Append(Left).Append("\" x2=\"").Append(Left).Append("\" y1=\"").Append(Top).Append("\" y2=\"").Append(Height - Bottom).Append("\" stroke=\"#0b0c0c\"/>")
            .Append("<line x1=\"").Append(Left).Append("\" x2=\"").Append(Width - Right).Append("\" y1=\"").Append(Height - Bottom).Append("\" y2=\"").Append(Height - Bottom).Append("\" stroke=\"#0b0c0c\"/>");
        foreach (var tick in new[] { min, max })
        {
            html.Append("<text x=\"").Append(Left - 6).Append("\" y=\"").Append(N(Y(tick) + 4)).Append("\" text-anchor=\"end\" font-size=\"12\" fill=\"#0b0c0c\">")
                .Append(tick.ToString(CultureInfo.InvariantCulture)).Append("</text>");
        }

        html.Append("<text x=\"").Append(Left).Append("\" y=\"").Append(Height - 12).Append("\" font-size=\"12\" fill=\"#0b0c0c\">").Append(E(points[0].SubmittedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).Append("</text>")
            .Append("<text x=\"").Append(Width - Right).Append("\" y=\"").Append(Height - 12).Append("\" text-anchor=\"end\" font-size=\"12\" fill=\"#0b0c0c\">").Append(E(points[^1].SubmittedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).Append("</text>");

        html.Append("<polyline fill=\"none\" stroke=\"#1d4ed8\" stroke-width=\"3\" points=\"")
            .Append(string.Join(' ', points.Select(p => $"{N(X(p.SubmittedAt))},{N(Y(p.Total!.Value))}"))).Append("\"/>");
        foreach (var point in points)
        {
            html.Append("<circle class=\"chart-point\" cx=\"").Append(N(X(point.SubmittedAt))).Append("\" cy=\"").Append(N(Y(point.Total!.Value))).Append("\" r=\"5\" fill=\"#1d4ed8\"/>");
        }

        return html.Append("</svg>").Append(Table(scores)).Append("</figure>").ToString();
    }

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
