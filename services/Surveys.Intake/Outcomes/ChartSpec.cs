namespace Surveys.Intake.Outcomes;

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
