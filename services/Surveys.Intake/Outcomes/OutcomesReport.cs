using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Surveys.Instruments;
using Surveys.Contracts;
using Surveys.Web;

namespace Surveys.Intake.Outcomes;

/// <summary>
/// The outcomes report's figures as the component (<c>OutcomesReport.razor</c>) shows them: the statement, the charts'
/// specifications and number formats. <see cref="RenderAsync"/> renders the whole file (<c>OutcomesReportDocument</c>)
/// with <see cref="HtmlRenderer"/>: intake serves it at <c>GET /api/outcomes/report</c>, which <c>surveys report</c>
/// saves and the portal's research page downloads.
/// </summary>
public sealed partial class OutcomesReport
{
    public const string Statement =
        "This report is descriptive. It shows what patients in this cohort reported and how their scores changed from their own baseline; "
        + "without a comparison group it cannot show that the treatment caused any change, and nothing in it is a diagnosis. "
        + "Band names are the instruments' own labels for score ranges.";

    private static readonly string[] Colours = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0f766e"];

    /// <summary>The shared stylesheet, carried inline so that the file stands alone.</summary>
    internal static readonly string Stylesheet = SiteAssets.Stylesheet();

    /// <summary>The stylesheet's SHA-256, which the file's Content-Security-Policy allows and nothing else.</summary>
    internal static readonly string StylesheetHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Stylesheet)));

    /// <summary>The report as one self-contained HTML file.</summary>
    public static async Task<string> RenderAsync(
        IServiceProvider services, ILoggerFactory loggers, OutcomesResult result, AlertSummaryResponse? alerts, string? alertsMissing, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(result);
        await using var renderer = new HtmlRenderer(services, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(OutcomesReportDocument.Result)] = result,
                [nameof(OutcomesReportDocument.Alerts)] = alerts,
                [nameof(OutcomesReportDocument.AlertsMissing)] = alertsMissing,
                [nameof(OutcomesReportDocument.GeneratedAt)] = generatedAt,
            });
            return (await renderer.RenderComponentAsync<OutcomesReportDocument>(parameters)).ToHtmlString();
        });
    }

    /// <summary>Mean change at each step with its 95% CI, against "no change" and the MID either way; null when no step has a change.</summary>
    private static ChartSpec? ChangeChart(InstrumentOutcome outcome)
    {
        var definition = outcome.Definition;
        var scoring = definition.Scoring;
        var plotted = outcome.Points.Where(p => p.Change is not null).ToList();
        if (plotted.Count == 0)
        {
            return null;
        }

        var extent = plotted.SelectMany(p => new[] { p.Change!.Mean, p.Change.CiLow ?? p.Change.Mean, p.Change.CiHigh ?? p.Change.Mean })
            .Select(Math.Abs).Append((double)(scoring.Mcid ?? 1)).Max() * 1.1;
        var guides = new List<ChartGuide> { new(0, "no change") };
        if (scoring.Mcid is { } d)
        {
            var worse = scoring.Direction == ScoreDirection.HigherIsBetter ? -1 : 1;
            guides.Add(new ChartGuide((double)d * worse, "worse by the MID"));
            guides.Add(new ChartGuide((double)-d * worse, "better by the MID"));
        }

        return new ChartSpec($"change-chart-{definition.Id}",
            $"{definition.Title.En}: mean change from baseline with 95% confidence intervals at "
            + string.Join(", ", plotted.Select(p => $"{p.Point.Label} {Fixed(p.Change!.Mean)} (n {p.N})")),
            -extent, extent,
            [new ChartSeries(plotted.Select(p => new ChartPoint(p.Point.NominalDay, p.Change!.Mean, p.Change.CiLow, p.Change.CiHigh)).ToList())])
        {
            Guides = guides,
            YTicks = [new ChartTick(-extent, Fixed(-extent)), new ChartTick(0, "0"), new ChartTick(extent, Fixed(extent))],
            XTicks = plotted.Select(p => new ChartTick(p.Point.NominalDay, p.Point.Label)).ToList(),
        };
    }

    /// <summary>The diary's weekly means (insulin, lows), each with its caption; a measure with no figure has no chart.</summary>
    private IEnumerable<(string Label, ChartSpec Chart)> DiaryCharts()
    {
        foreach (var (id, label, pick) in new (string, string, Func<DiaryWeek, Statistics.MeanSummary?>)[]
        {
            ("insulin", "Insulin units per day (mean by week)", w => w.InsulinUnits),
            ("lows", "Low-glucose episodes per diary (mean by week)", w => w.LowGlucoseEpisodes),
        })
        {
            var points = Result.Diary.Where(w => pick(w) is not null).Select(w => new ChartPoint(w.Week, pick(w)!.Mean)).ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var top = Math.Max(1, points.Max(p => p.Y) * 1.1);
            yield return (label, new ChartSpec($"diary-{id}", $"{label}: " + string.Join(", ", points.Select(p => $"week {p.X} {Fixed(p.Y)}")), 0, top, [new ChartSeries(points)])
            {
                YTicks = [new ChartTick(0, "0"), new ChartTick(top, Fixed(top))],
                XTicks = Ends(points.Select(p => p.X).ToList(), "week"),
            });
        }
    }

    /// <summary>Each patient's totals by day, with the instrument's band boundaries.</summary>
    private static IEnumerable<(string Patient, ChartSpec Chart)> TrajectoryCharts(InstrumentOutcome outcome, string colour)
    {
        var definition = outcome.Definition;
        var scoring = definition.Scoring;
        foreach (var (patient, points) in outcome.Trajectories.OrderBy(t => t.Key))
        {
            yield return (patient.ToString(), new ChartSpec($"trajectory-{definition.Id}-{patient:N}",
                $"Patient {patient}, {definition.Title.En}: " + string.Join(", ", points.Select(p => $"day {p.Day} {Number(p.Total)}")),
                (double)scoring.TotalMin!.Value, (double)scoring.TotalMax!.Value,
                [new ChartSeries(points.Select(p => new ChartPoint(p.Day, (double)p.Total)).ToList(), colour, 2)])
            {
                Guides = scoring.Bands.OrderBy(b => b.Min).Select(b => new ChartGuide((double)b.Min, b.Name.Replace('_', ' '), b.Min > scoring.TotalMin)).ToList(),
                YTicks = [new ChartTick((double)scoring.TotalMin.Value, Number(scoring.TotalMin)), new ChartTick((double)scoring.TotalMax.Value, Number(scoring.TotalMax))],
                XTicks = Ends(points.Select(p => (double)p.Day).ToList(), "day"),
            });
        }
    }

    /// <summary>Labels for the first and last x value (one label when they are the same).</summary>
    private static List<ChartTick> Ends(List<double> xs, string unit) =>
        xs.Distinct().Count() == 1 ? [new ChartTick(xs[0], $"{unit} {xs[0]}")] : [new ChartTick(xs[0], $"{unit} {xs[0]}"), new ChartTick(xs[^1], $"{unit} {xs[^1]}")];

    private static string Change(Statistics.MeanSummary? c) =>
        c is null ? "–" : $"{Fixed(c.Mean)} ({(c.CiLow is { } lo ? $"{Fixed(lo)} to {Fixed(c.CiHigh)}" : "n < 2")})";

    private static string Share(int count, ChangeAtPoint point, decimal? mid) =>
        mid is null || point.N == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{count} ({100.0 * count / point.N:0.0}%)");

    private static string MeanSd(Statistics.MeanSummary? summary) =>
        summary is null ? "–" : $"{Fixed(summary.Mean)} ({(summary.Sd is { } sd ? Fixed(sd) : "–")}; {summary.N.ToString(CultureInfo.InvariantCulture)})";

    private static string Fixed(double? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–";

    private static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "–";
}
