using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Surveys.Contracts;
using Surveys.Instruments;
using Surveys.ServiceDefaults.Pages;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.Intake.Outcomes;

/// <summary>
/// The outcomes report as HTML: what was measured in the cohort, per instrument and follow-up point, the diary
/// over time, alerts and each patient's trajectory. Charts are inline SVG; every figure is also in a table.
/// It describes; it claims nothing about the treatment's effect.
/// </summary>
public static class OutcomesReport
{
    public const string Statement =
        "This report is descriptive. It shows what patients in this cohort reported and how their scores changed from their own baseline; "
        + "without a comparison group it cannot show that the treatment caused any change, and nothing in it is a diagnosis. "
        + "Band names are the instruments' own labels for score ranges.";

    private static readonly string[] Colours = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0f766e"];

    public static string Body(OutcomesResult result, AlertSummaryResponse? alerts, string? alertsMissing, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = new StringBuilder();
        html.Append("<h1>Outcomes report</h1>")
            .Append("<p class=\"caption\">").Append(E(result.Protocol.Title)).Append(" · ").Append(result.CohortPatients.ToString(CultureInfo.InvariantCulture))
            .Append(" patients enrolled · generated ").Append(E(generatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append(" UTC</p>")
            .Append("<p class=\"statement\" id=\"statement\"><strong>Descriptive, not causal.</strong> ").Append(E(Statement)).Append("</p>");
        Method(html);
        foreach (var instrument in result.Instruments)
        {
            Instrument(html, instrument);
        }

        Diary(html, result.Diary);
        Alerts(html, alerts, alertsMissing);
        Trajectories(html, result.Instruments);
        return html.ToString();
    }

    /// <summary>
    /// The report as one self-contained file: the shared stylesheet inline (print rules included), no script, and
    /// a Content-Security-Policy that allows only that stylesheet (by its hash) and nothing external.
    /// </summary>
    public static string Document(string body)
    {
        using var stream = typeof(HtmlPage).Assembly.GetManifestResourceStream("assets/site.css")!;
        using var reader = new StreamReader(stream);
        var css = reader.ReadToEnd();
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(css)));
        return new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-").Append(hash).Append("'; img-src data:\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Outcomes report</title>")
            .Append("<style>").Append(css).Append("</style></head><body><main id=\"main\" class=\"page page--wide\">")
            .Append(body).Append("</main></body></html>").ToString();
    }

    private static void Method(StringBuilder html)
    {
        html.Append("<h2>How the figures are made</h2><ul>")
            .Append("<li>A submission belongs to the protocol step its invitation was scheduled for; one made through an ad-hoc invitation belongs to the nearest step of its instrument within ")
            .Append(OutcomesCalculator.WindowDays).Append(" days of that step's due date, or to none.</li>")
            .Append("<li>Baseline is a patient's earliest scored result of the instrument at the baseline step or on or before the index date. Change = result at the step − baseline, in the instrument's points; each patient counts once per step.</li>")
            .Append("<li>Mean change with a two-sided 95% confidence interval from Student's t distribution (n − 1 degrees of freedom); no interval when n &lt; 2.</li>")
            .Append("<li>Improved / worsened: changed by at least the minimal important difference (MID) in the better / worse direction; unchanged otherwise. Shares are of the n at that step.</li>")
            .Append("</ul>");
    }

    private static void Instrument(StringBuilder html, InstrumentOutcome outcome)
    {
        var definition = outcome.Definition;
        var scoring = definition.Scoring;
        var direction = scoring.Direction == ScoreDirection.HigherIsBetter ? "higher is better" : "higher is worse";
        var mid = scoring.Mcid is { } m ? $"MID {Number(m)} points" : "no MID defined";
        html.Append("<section aria-labelledby=\"instrument-").Append(E(definition.Id)).Append("\"><h2 id=\"instrument-").Append(E(definition.Id)).Append("\">")
            .Append(E(definition.Title.En)).Append("</h2>")
            .Append("<p>Range ").Append(Number(scoring.TotalMin)).Append('–').Append(Number(scoring.TotalMax)).Append(", ").Append(direction).Append("; ").Append(E(mid))
            .Append(". Patients with a baseline: ").Append(outcome.PatientsWithBaseline.ToString(CultureInfo.InvariantCulture)).Append(".</p>")
            .Append("<p class=\"hint\">MID source: ").Append(E(MinimalImportantDifferences.SourceOf(definition.Id))).Append("</p>");
        html.Append("<table class=\"outcome-table\" id=\"change-").Append(E(definition.Id)).Append("\"><caption class=\"visually-hidden\">Change from baseline, ").Append(E(definition.Title.En))
            .Append("</caption><thead><tr><th scope=\"col\">Step</th><th scope=\"col\">n</th><th scope=\"col\">Mean at baseline</th><th scope=\"col\">Mean at step</th>")
            .Append("<th scope=\"col\">Mean change (95% CI)</th><th scope=\"col\">Improved</th><th scope=\"col\">Unchanged</th><th scope=\"col\">Worsened</th></tr></thead><tbody>");
        foreach (var point in outcome.Points)
        {
            var c = point.Change;
            html.Append("<tr data-step=\"").Append(E(point.Point.Key)).Append("\"><th scope=\"row\">").Append(E(point.Point.Label)).Append("</th><td data-n>")
                .Append(point.N.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Fixed(point.MeanBaseline)).Append("</td><td>").Append(Fixed(point.MeanFollowUp))
                .Append("</td><td data-change>").Append(c is null ? "–" : $"{Fixed(c.Mean)} ({(c.CiLow is { } lo ? $"{Fixed(lo)} to {Fixed(c.CiHigh)}" : "n < 2")})")
                .Append("</td><td data-improved>").Append(Share(point.Improved, point, scoring.Mcid)).Append("</td><td data-unchanged>").Append(Share(point.Unchanged, point, scoring.Mcid))
                .Append("</td><td data-worsened>").Append(Share(point.Worsened, point, scoring.Mcid)).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        var plotted = outcome.Points.Where(p => p.Change is not null).ToList();
        if (plotted.Count > 0)
        {
            var extent = plotted.SelectMany(p => new[] { p.Change!.Mean, p.Change.CiLow ?? p.Change.Mean, p.Change.CiHigh ?? p.Change.Mean })
                .Select(Math.Abs).Append((double)(scoring.Mcid ?? 1)).Max() * 1.1;
            var guides = new List<ChartGuide> { new(0, "no change") };
            if (scoring.Mcid is { } d)
            {
                var worse = scoring.Direction == ScoreDirection.HigherIsBetter ? -1 : 1;
                guides.Add(new ChartGuide((double)d * worse, "worse by the MID"));
                guides.Add(new ChartGuide((double)-d * worse, "better by the MID"));
            }

            var spec = new ChartSpec($"change-chart-{definition.Id}",
                $"{definition.Title.En}: mean change from baseline with 95% confidence intervals at "
                + string.Join(", ", plotted.Select(p => $"{p.Point.Label} {Fixed(p.Change!.Mean)} (n {p.N})")),
                -extent, extent,
                [new ChartSeries(plotted.Select(p => new ChartPoint(p.Point.NominalDay, p.Change!.Mean, p.Change.CiLow, p.Change.CiHigh)).ToList())])
            {
                Guides = guides,
                YTicks = [new ChartTick(-extent, Fixed(-extent)), new ChartTick(0, "0"), new ChartTick(extent, Fixed(extent))],
                XTicks = plotted.Select(p => new ChartTick(p.Point.NominalDay, p.Point.Label)).ToList(),
            };
            html.Append("<figure class=\"chart\"><figcaption>Mean change from baseline (points) with 95% CI</figcaption>").Append(SvgChart.Render(spec)).Append("</figure>");
        }

        html.Append("</section>");
    }

    private static void Diary(StringBuilder html, IReadOnlyList<DiaryWeek> weeks)
    {
        html.Append("<section aria-labelledby=\"diary\"><h2 id=\"diary\">Diary: insulin and low-glucose episodes</h2>")
            .Append("<p>From the diary (this project's own form, not a validated scale). Weeks count from the index date (week 0 = days 0–6). ")
            .Append("Each patient's diaries in a week are averaged first, so each patient counts once. The figure is episodes reported per diary. From version 2.0.0 each diary asks about the time since the one before ")
            .Append("(24 hours daily, 7 days weekly); diaries of version 1.0.0 asked about 7 days even when sent daily, so theirs overlap.</p>");
        if (weeks.Count == 0)
        {
            html.Append("<p>No diaries yet.</p></section>");
            return;
        }

        html.Append("<table id=\"diary-weeks\"><thead><tr><th scope=\"col\">Week</th><th scope=\"col\">Diaries</th><th scope=\"col\">Patients</th>")
            .Append("<th scope=\"col\">Insulin units/day, mean (SD; n)</th><th scope=\"col\">Low-glucose episodes per diary, mean (SD; n)</th><th scope=\"col\">Diaries reporting a low that needed help</th></tr></thead><tbody>");
        foreach (var week in weeks)
        {
            html.Append("<tr><th scope=\"row\">").Append(week.Week.ToString(CultureInfo.InvariantCulture)).Append("</th><td>").Append(week.Diaries.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(week.Patients.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(MeanSd(week.InsulinUnits))
                .Append("</td><td>").Append(MeanSd(week.LowGlucoseEpisodes)).Append("</td><td>").Append(week.SevereLowDiaries.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
        }

        html.Append("</tbody></table><div class=\"charts\">");
        foreach (var (id, label, pick) in new (string, string, Func<DiaryWeek, Statistics.MeanSummary?>)[]
        {
            ("insulin", "Insulin units per day (mean by week)", w => w.InsulinUnits),
            ("lows", "Low-glucose episodes per diary (mean by week)", w => w.LowGlucoseEpisodes),
        })
        {
            var points = weeks.Where(w => pick(w) is not null).Select(w => new ChartPoint(w.Week, pick(w)!.Mean)).ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var top = Math.Max(1, points.Max(p => p.Y) * 1.1);
            var spec = new ChartSpec($"diary-{id}", $"{label}: " + string.Join(", ", points.Select(p => $"week {p.X} {Fixed(p.Y)}")), 0, top, [new ChartSeries(points)])
            {
                YTicks = [new ChartTick(0, "0"), new ChartTick(top, Fixed(top))],
                XTicks = Ends(points.Select(p => p.X).ToList(), "week"),
            };
            html.Append("<figure class=\"chart\"><figcaption>").Append(E(label)).Append("</figcaption>").Append(SvgChart.Render(spec)).Append("</figure>");
        }

        html.Append("</div></section>");
    }

    private static void Alerts(StringBuilder html, AlertSummaryResponse? alerts, string? missing)
    {
        html.Append("<section aria-labelledby=\"alerts\"><h2 id=\"alerts\">Alerts and how fast they were acknowledged</h2>")
            .Append("<p>All alerts the notifier holds (not only this cohort's). Time to acknowledge = acknowledged minus raised; resolving an alert also counts as acknowledging it. ")
            .Append("Median and 90th percentile by the nearest-rank method.</p>");
        if (alerts is null)
        {
            html.Append("<p class=\"error-message\" id=\"alerts-missing\">Alert statistics are not in this report: ").Append(E(missing)).Append(".</p></section>");
            return;
        }

        html.Append("<table id=\"alert-rules\"><thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Raised</th><th scope=\"col\">Acknowledged</th><th scope=\"col\">Open, not acknowledged</th>")
            .Append("<th scope=\"col\">Median hours to acknowledge</th><th scope=\"col\">90th percentile hours</th><th scope=\"col\">Acknowledged within 24 h</th></tr></thead><tbody>");
        foreach (var rule in alerts.Rules)
        {
            html.Append("<tr><th scope=\"row\">").Append(E(rule.Rule.Replace('_', ' '))).Append("</th><td>").Append(rule.Raised.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(rule.Acknowledged.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(rule.OpenUnacknowledged.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(Fixed(rule.MedianHoursToAcknowledge)).Append("</td><td>").Append(Fixed(rule.P90HoursToAcknowledge))
                .Append("</td><td>").Append(rule.AcknowledgedWithin24Hours.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static void Trajectories(StringBuilder html, IReadOnlyList<InstrumentOutcome> instruments)
    {
        html.Append("<section aria-labelledby=\"trajectories\"><h2 id=\"trajectories\">Each patient's results over time</h2>")
            .Append("<p>Totals by day since the index date, one chart per patient (pseudonymous id) and instrument, with the instrument's band boundaries.</p>");
        foreach (var outcome in instruments.Where(o => o.Trajectories.Count > 0))
        {
            var definition = outcome.Definition;
            var scoring = definition.Scoring;
            html.Append("<h3>").Append(E(definition.Title.En)).Append("</h3><div class=\"charts\">");
            var colour = Colours[instruments.ToList().IndexOf(outcome) % Colours.Length];
            foreach (var (patient, points) in outcome.Trajectories.OrderBy(t => t.Key))
            {
                var spec = new ChartSpec($"trajectory-{definition.Id}-{patient:N}",
                    $"Patient {patient}, {definition.Title.En}: " + string.Join(", ", points.Select(p => $"day {p.Day} {Number(p.Total)}")),
                    (double)scoring.TotalMin!.Value, (double)scoring.TotalMax!.Value,
                    [new ChartSeries(points.Select(p => new ChartPoint(p.Day, (double)p.Total)).ToList(), colour, 2)])
                {
                    Guides = scoring.Bands.OrderBy(b => b.Min).Select(b => new ChartGuide((double)b.Min, b.Name.Replace('_', ' '), b.Min > scoring.TotalMin)).ToList(),
                    YTicks = [new ChartTick((double)scoring.TotalMin.Value, Number(scoring.TotalMin)), new ChartTick((double)scoring.TotalMax.Value, Number(scoring.TotalMax))],
                    XTicks = Ends(points.Select(p => (double)p.Day).ToList(), "day"),
                };
                html.Append("<figure class=\"chart\"><figcaption>").Append(E(patient.ToString())).Append("</figcaption>").Append(SvgChart.Render(spec)).Append("</figure>");
            }

            html.Append("</div>");
        }

        html.Append("</section>");
    }

    /// <summary>Labels for the first and last x value (one label when they are the same).</summary>
    private static List<ChartTick> Ends(List<double> xs, string unit) =>
        xs.Distinct().Count() == 1 ? [new ChartTick(xs[0], $"{unit} {xs[0]}")] : [new ChartTick(xs[0], $"{unit} {xs[0]}"), new ChartTick(xs[^1], $"{unit} {xs[^1]}")];

    private static string Share(int count, ChangeAtPoint point, decimal? mid) =>
        mid is null || point.N == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{count} ({100.0 * count / point.N:0.0}%)");

    private static string MeanSd(Statistics.MeanSummary? summary) =>
        summary is null ? "–" : $"{Fixed(summary.Mean)} ({(summary.Sd is { } sd ? Fixed(sd) : "–")}; {summary.N.ToString(CultureInfo.InvariantCulture)})";

    private static string Fixed(double? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–";

    private static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "–";
}
