using System.Globalization;
using System.Text;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.ServiceDefaults.Pages;

/// <summary>A point of a line; <see cref="Low"/>/<see cref="High"/> draw an error bar (e.g. a 95% confidence interval).</summary>
public sealed record ChartPoint(double X, double Y, double? Low = null, double? High = null);

/// <summary>One line; markers are circles of class <c>chart-point</c>.</summary>
public sealed record ChartSeries(IReadOnlyList<ChartPoint> Points, string Colour = "#1d4ed8", double Width = 3, bool Markers = true);

/// <summary>A labelled horizontal guide (a band boundary, "no change", a threshold); <see cref="Line"/> false draws only the label.</summary>
public sealed record ChartGuide(double Y, string Label, bool Line = true);

public sealed record ChartTick(double Value, string Label);

/// <summary>What to draw: the y range, lines, guides and axis labels; <see cref="Title"/> is the accessible name.</summary>
public sealed record ChartSpec(string Id, string Title, double YMin, double YMax, IReadOnlyList<ChartSeries> Series)
{
    public IReadOnlyList<ChartGuide> Guides { get; init; } = [];
    public IReadOnlyList<ChartTick> YTicks { get; init; } = [];
    public IReadOnlyList<ChartTick> XTicks { get; init; } = [];
}

/// <summary>
/// The one chart component: a server-rendered SVG line chart (no script, no external resource), scaled to the
/// x values of its points; a single x value is drawn in the middle. Callers put the same figures in a table.
/// </summary>
public static class SvgChart
{
    private const int Width = 640;
    private const int Height = 260;
    private const int Left = 48;
    private const int Right = 16;
    private const int Top = 16;
    private const int Bottom = 36;

    public static string Render(ChartSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var xs = spec.Series.SelectMany(s => s.Points).Select(p => p.X).Concat(spec.XTicks.Select(t => t.Value)).ToList();
        var (xMin, xMax) = xs.Count == 0 ? (0d, 0d) : (xs.Min(), xs.Max());
        double X(double x) => xMax <= xMin ? Left + ((Width - Left - Right) / 2.0) : Left + ((x - xMin) / (xMax - xMin) * (Width - Left - Right));
        double Y(double y) => Top + ((spec.YMax - y) / (spec.YMax - spec.YMin) * (Height - Top - Bottom));
        static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

        var html = new StringBuilder();
        html.Append("<svg viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height).Append("\" role=\"img\" aria-labelledby=\"").Append(E(spec.Id)).Append("-title\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title id=\"").Append(E(spec.Id)).Append("-title\">").Append(E(spec.Title)).Append("</title>")
            .Append("<rect x=\"0\" y=\"0\" width=\"").Append(Width).Append("\" height=\"").Append(Height).Append("\" fill=\"#ffffff\"/>");
        foreach (var guide in spec.Guides)
        {
            var y = Y(guide.Y);
            if (guide.Line)
            {
                html.Append("<line x1=\"").Append(Left).Append("\" x2=\"").Append(Width - Right).Append("\" y1=\"").Append(N(y)).Append("\" y2=\"").Append(N(y))
                    .Append("\" stroke=\"#b1b4b6\" stroke-dasharray=\"4 4\"/>");
            }

            html.Append("<text x=\"").Append(Width - Right - 4).Append("\" y=\"").Append(N(y - 4)).Append("\" text-anchor=\"end\" font-size=\"12\" fill=\"#505a5f\">")
                .Append(E(guide.Label)).Append("</text>");
        }

        html.Append("<line x1=\"").Append(Left).Append("\" x2=\"").Append(Left).Append("\" y1=\"").Append(Top).Append("\" y2=\"").Append(Height - Bottom).Append("\" stroke=\"#0b0c0c\"/>")
            .Append("<line x1=\"").Append(Left).Append("\" x2=\"").Append(Width - Right).Append("\" y1=\"").Append(Height - Bottom).Append("\" y2=\"").Append(Height - Bottom).Append("\" stroke=\"#0b0c0c\"/>");
        foreach (var tick in spec.YTicks)
        {
            html.Append("<text x=\"").Append(Left - 6).Append("\" y=\"").Append(N(Y(tick.Value) + 4)).Append("\" text-anchor=\"end\" font-size=\"12\" fill=\"#0b0c0c\">")
                .Append(E(tick.Label)).Append("</text>");
        }

        foreach (var tick in spec.XTicks)
        {
            var x = X(tick.Value);
            var anchor = x <= Left + 1 ? "start" : x >= Width - Right - 1 ? "end" : "middle";
            html.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(Height - 12).Append("\" text-anchor=\"").Append(anchor).Append("\" font-size=\"12\" fill=\"#0b0c0c\">")
                .Append(E(tick.Label)).Append("</text>");
        }

        foreach (var series in spec.Series.Where(s => s.Points.Count > 0))
        {
            html.Append("<polyline fill=\"none\" stroke=\"").Append(E(series.Colour)).Append("\" stroke-width=\"").Append(N(series.Width)).Append("\" points=\"")
                .Append(string.Join(' ', series.Points.Select(p => $"{N(X(p.X))},{N(Y(p.Y))}"))).Append("\"/>");
            foreach (var point in series.Points)
            {
                if (point.Low is { } low && point.High is { } high)
                {
                    var x = N(X(point.X));
                    html.Append("<path class=\"chart-interval\" d=\"M").Append(x).Append(' ').Append(N(Y(low))).Append(" V").Append(N(Y(high)))
                        .Append(" M").Append(N(X(point.X) - 5)).Append(' ').Append(N(Y(low))).Append(" h10 M").Append(N(X(point.X) - 5)).Append(' ').Append(N(Y(high))).Append(" h10")
                        .Append("\" stroke=\"").Append(E(series.Colour)).Append("\" stroke-width=\"2\" fill=\"none\"/>");
                }

                if (series.Markers)
                {
                    html.Append("<circle class=\"chart-point\" cx=\"").Append(N(X(point.X))).Append("\" cy=\"").Append(N(Y(point.Y))).Append("\" r=\"5\" fill=\"").Append(E(series.Colour)).Append("\"/>");
                }
            }
        }

        return html.Append("</svg>").ToString();
    }
}
