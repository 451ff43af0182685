using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Surveys.Instruments;
using Surveys.Notifier.Alerts;
using Surveys.Notifier.Data;
using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Security;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.Notifier.Inbox;

/// <summary>
/// The nurses' inbox: unresolved alerts by severity then age, filters, each alert's explanation and
/// evidence with the patient's history charted, acknowledge and resolve; a page per patient. Server
/// rendered and usable without script; with it, a notice says when new alerts have arrived.
/// </summary>
public static class InboxPages
{
    private static readonly Dictionary<string, string> RuleNames = new()
    {
        [AlertRules.CriticalItem] = "Critical answer",
        [AlertRules.SevereBand] = "Severe range",
        [AlertRules.WorseThanBaseline] = "Worse than baseline",
        [AlertRules.MissedSurveys] = "Missed surveys",
    };

    private static readonly Dictionary<string, string> OutcomeNames = new()
    {
        ["contacted_patient"] = "Contacted the patient",
        ["referred"] = "Referred",
        ["false_alarm"] = "False alarm",
        ["other"] = "Other",
    };

    public static IEndpointRouteBuilder MapInboxPages(this IEndpointRouteBuilder app)
    {
        var inbox = app.MapGroup("/inbox").RequireAuthorization(Roles.Nurse).DisableAntiforgery().ExcludeFromDescription();
        inbox.MapGet("/", List);
        inbox.MapGet("/latest", async (NotifierStore store, CancellationToken ct) => TypedResults.Ok(new { latest = await store.LatestChangeAsync(ct) }));
        inbox.MapGet("/alerts/{id:guid}", Show);
        inbox.MapPost("/alerts/{id:guid}/acknowledge", Acknowledge);
        inbox.MapPost("/alerts/{id:guid}/resolve", Resolve);
        inbox.MapGet("/patients/{patientId:guid}", Patient);
        app.MapGet("/", () => Results.Redirect("/inbox")).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> List(
        string? severity, string? rule, string? instrument, string? patient, string? status, NotifierStore store, InstrumentCatalog catalog,
        AuditLog audit, HttpContext context, TimeProvider time, CancellationToken ct)
    {
        var view = status is "resolved" or "all" ? status : "unresolved";
        severity = Blank(severity);
        rule = Blank(rule);
        instrument = Blank(instrument);
        var patientId = Guid.TryParse(patient, out var parsed) ? parsed : (Guid?)null;
        if (AlertsApi.Validate(null, severity, rule) is not null)
        {
            return Render("Inbox", "<h1>Inbox</h1><p>That filter is not one of the choices. <a href=\"/inbox\">Show all open alerts</a>.</p>", StatusCodes.Status400BadRequest, wide: true);
        }

        var alerts = (await store.FindAlertsAsync(new AlertFilter(patientId, view == "resolved" ? "resolved" : null, severity, rule, instrument), ct))
            .Where(a => view != "unresolved" || a.Status != "resolved")
            .ToList();
        var counts = await store.CountOpenAsync(ct);
        var latest = await store.LatestChangeAsync(ct);
        await audit.RecordAsync(context, "alerts_view", patientId?.ToString() ?? "inbox");

        var now = time.GetUtcNow();
        var here = context.Request.Path + context.Request.QueryString;
        var html = new StringBuilder("<h1>Inbox</h1>")
            .Append("<p id=\"new-alerts\" class=\"notice\" role=\"status\" hidden>New alerts have arrived and are in the list below.</p>")
            .Append("<div id=\"inbox\" data-live data-live-check=\"/inbox/latest\" data-live-notice=\"new-alerts\" data-latest=\"").Append(E(latest)).Append("\"><p><a href=\"").Append(E(here)).Append("\">Refresh the list</a></p><div class=\"counts\">");
        foreach (var level in AlertsApi.Severities)
        {
            html.Append("<div class=\"panel\"><span class=\"tag tag--").Append(level).Append("\">").Append(level).Append("</span><p class=\"count\" id=\"count-").Append(level).Append("\">")
                .Append(counts.GetValueOrDefault(level)).Append(" open</p></div>");
        }

        html.Append("</div><form method=\"get\" action=\"/inbox\" class=\"filters\">")
            .Append(Select("severity", "Severity", severity, AlertsApi.Severities.Select(s => (s, s))))
            .Append(Select("rule", "Rule", rule, RuleNames.Select(r => (r.Key, r.Value))))
            .Append(Select("instrument", "Instrument", instrument, catalog.All.Select(d => (d.Id, AlertRules.ShortName(d))).Distinct().Append(("all", "Any (missed surveys)"))))
            .Append(Select("status", "Show", view, [("unresolved", "Open and acknowledged"), ("resolved", "Resolved"), ("all", "All")], includeAny: false))
            .Append("<div class=\"field\"><label for=\"patient\">Patient id</label><input type=\"text\" id=\"patient\" name=\"patient\" value=\"").Append(E(patientId?.ToString())).Append("\"></div>")
            .Append("<button type=\"submit\" class=\"button--secondary\">Filter</button></form>");

        if (alerts.Count == 0)
        {
            html.Append("<p id=\"no-alerts\">No alerts match.</p>");
        }
        else
        {
            html.Append("<table id=\"alerts\"><caption class=\"visually-hidden\">Alerts, most severe first, then those waiting for an acknowledgement, then the latest evidence first</caption><thead><tr>")
                .Append("<th scope=\"col\">Severity</th><th scope=\"col\">Rule</th><th scope=\"col\">Instrument</th><th scope=\"col\">Patient</th><th scope=\"col\">Why</th><th scope=\"col\">Raised</th><th scope=\"col\">Status</th></tr></thead><tbody>");
            foreach (var alert in alerts)
            {
                html.Append("<tr><td><span class=\"tag tag--").Append(E(alert.Severity)).Append("\">").Append(E(alert.Severity)).Append("</span></td>")
                    .Append("<td><a href=\"/inbox/alerts/").Append(alert.Id).Append("\">").Append(E(RuleNames.GetValueOrDefault(alert.Rule, alert.Rule))).Append("</a></td>")
                    .Append("<td>").Append(E(alert.Instrument)).Append("</td>")
                    .Append("<td><a href=\"/inbox/patients/").Append(alert.PatientId).Append("\">").Append(E(alert.PatientId.ToString()[..8])).Append("</a></td>")
                    .Append("<td>").Append(E(alert.Reason)).Append("</td>")
                    .Append("<td>").Append(E(Age(now - alert.CreatedAt))).Append("</td>")
                    .Append("<td>").Append(E(StatusText(alert))).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</div>");
        return Render("Inbox", html.ToString(), script: "live.js", wide: true);
    }

    private static async Task<IResult> Show(
        Guid id, NotifierStore store, InstrumentCatalog catalog, AuditLog audit, HttpContext context, IAntiforgery antiforgery, CancellationToken ct) =>
        await AlertPage(id, null, store, catalog, audit, context, antiforgery, ct);

    private static async Task<IResult> AlertPage(
        Guid id, Dictionary<string, string>? errors, NotifierStore store, InstrumentCatalog catalog, AuditLog audit, HttpContext context, IAntiforgery antiforgery, CancellationToken ct)
    {
        if (await store.GetAlertAsync(id, ct) is not { } found)
        {
            return Render("Alert not found", "<h1>Alert not found</h1><p><a href=\"/inbox\">Back to the inbox</a></p>", StatusCodes.Status404NotFound);
        }

        var (alert, evidence) = found;
        await audit.RecordAsync(context, "alert_view", id.ToString());
        var tokens = antiforgery.GetAndStoreTokens(context);
        var csrf = $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">";
        var ruleName = RuleNames.GetValueOrDefault(alert.Rule, alert.Rule);
        var html = new StringBuilder("<a class=\"back-link\" href=\"/inbox\">Back to the inbox</a>");
        if (errors is not null)
        {
            html.Append("<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-title\" tabindex=\"-1\" autofocus><h2 id=\"error-title\">There is a problem</h2><ul>");
            foreach (var (field, message) in errors)
            {
                html.Append("<li><a href=\"#").Append(field == "outcome" ? "outcome-contacted_patient" : "note").Append("\">").Append(E(message)).Append("</a></li>");
            }

            html.Append("</ul></div>");
        }

        html.Append("<h1><span class=\"tag tag--").Append(E(alert.Severity)).Append("\">").Append(E(alert.Severity)).Append("</span> ").Append(E(ruleName)).Append("</h1>")
            .Append("<p class=\"lead\" id=\"reason\">").Append(E(alert.Reason)).Append("</p>")
            .Append("<dl class=\"summary-list\">")
            .Append(Row("Patient", $"<a href=\"/inbox/patients/{alert.PatientId}\">{E(alert.PatientId.ToString())}</a>"))
            .Append(Row("Status", E(StatusText(alert)) + (alert.AcknowledgedBy is null ? string.Empty : E($" (acknowledged by {alert.AcknowledgedBy} at {alert.AcknowledgedAt:yyyy-MM-dd HH:mm})"))))
            .Append(Row("Raised", E(alert.CreatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))));
        if (alert.Status == "resolved")
        {
            html.Append(Row("Outcome", E(OutcomeNames.GetValueOrDefault(alert.Outcome ?? string.Empty, alert.Outcome ?? string.Empty) + $" — by {alert.ResolvedBy} at {alert.ResolvedAt:yyyy-MM-dd HH:mm}")))
                .Append(Row("Note", $"<span id=\"note-text\">{E(alert.Note ?? "–")}</span>"));
        }

        html.Append("</dl><h2>Evidence</h2>");
        foreach (var item in evidence)
        {
            html.Append("<div class=\"panel\"><p><strong>").Append(E(item.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</strong> — ").Append(E(item.Reason)).Append("</p>");
            if (item.Details.TryGetProperty("answers", out var answers) && answers.ValueKind == JsonValueKind.Array && answers.GetArrayLength() > 0)
            {
                html.Append("<table><thead><tr><th scope=\"col\">Question</th><th scope=\"col\">Answer</th></tr></thead><tbody>");
                foreach (var answer in answers.EnumerateArray())
                {
                    var label = answer.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? $"{l.GetString()} ({answer.GetProperty("value")})" : answer.GetProperty("value").ToString();
                    html.Append("<tr><td>").Append(E(answer.GetProperty("question").GetString())).Append("</td><td>").Append(E(label)).Append("</td></tr>");
                }

                html.Append("</tbody></table>");
            }

            html.Append("</div>");
        }

        if (alert.Instrument != "all" && catalog.Find(alert.Instrument) is { } definition)
        {
            var history = (await store.GetScoresAsync(alert.PatientId, ct)).Where(s => s.Instrument == alert.Instrument).ToList();
            html.Append("<h2>History</h2>").Append(ScoreChart.Render(definition, AlertRules.ShortName(definition), history));
        }

        if (alert.Status != "resolved")
        {
            html.Append("<h2>Act on it</h2><div class=\"actions\">");
            if (alert.Status == "open" || alert.NewEvidenceSinceAcknowledged)
            {
                html.Append("<form method=\"post\" action=\"/inbox/alerts/").Append(alert.Id).Append("/acknowledge\">").Append(csrf)
                    .Append("<button type=\"submit\" class=\"button--secondary\">Acknowledge</button></form>");
            }

            html.Append("<form method=\"post\" action=\"/inbox/alerts/").Append(alert.Id).Append("/resolve\" novalidate>").Append(csrf)
                .Append("<fieldset").Append(errors?.ContainsKey("outcome") == true ? " class=\"field--error\"" : string.Empty).Append("><legend>Outcome</legend>");
            foreach (var (value, label) in OutcomeNames)
            {
                html.Append("<div class=\"choice\"><input type=\"radio\" id=\"outcome-").Append(value).Append("\" name=\"outcome\" value=\"").Append(value).Append("\"><label for=\"outcome-")
                    .Append(value).Append("\">").Append(E(label)).Append("</label></div>");
            }

            html.Append("</fieldset><div class=\"field\"><label for=\"note\">Note</label><p class=\"hint\">What was done; required when the outcome is Other.</p>")
                .Append("<textarea id=\"note\" name=\"note\" maxlength=\"").Append(AlertsApi.MaxNoteLength).Append("\"></textarea></div>")
                .Append("<button type=\"submit\">Resolve</button></form></div>");
        }

        return Render((errors is null ? string.Empty : "Error: ") + $"{ruleName} alert", html.ToString(), errors is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest, wide: true);
    }

    private static async Task<IResult> Acknowledge(
        Guid id, NotifierStore store, AuditLog audit, HttpContext context, IAntiforgery antiforgery, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Expired(id);
        }

        var change = await store.AcknowledgeAsync(id, user.Identity!.Name!, ct);
        await audit.RecordAsync(context, "alert_acknowledge", id.ToString(), change == AlertChange.Done ? "ok" : change.ToString());
        return Results.Redirect($"/inbox/alerts/{id}");
    }

    private static async Task<IResult> Resolve(
        Guid id, NotifierStore store, InstrumentCatalog catalog, AuditLog audit, HttpContext context, IAntiforgery antiforgery, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Expired(id);
        }

        var form = await context.Request.ReadFormAsync(ct);
        var outcome = Blank(form["outcome"].ToString());
        var note = Blank(form["note"].ToString());
        if (AlertsApi.CheckResolution(outcome, note) is { } errors)
        {
            return await AlertPage(id, errors.ToDictionary(e => e.Key, e => e.Value[0]), store, catalog, audit, context, antiforgery, ct);
        }

        var change = await store.ResolveAsync(id, user.Identity!.Name!, outcome!, note, ct);
        await audit.RecordAsync(context, "alert_resolve", $"{id} {outcome}", change == AlertChange.Done ? "ok" : change.ToString());
        return Results.Redirect($"/inbox/alerts/{id}");
    }

    private static async Task<IResult> Patient(Guid patientId, NotifierStore store, InstrumentCatalog catalog, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var scores = await store.GetScoresAsync(patientId, ct);
        var alerts = await store.FindAlertsAsync(new AlertFilter(patientId), ct);
        await audit.RecordAsync(context, "patient_view", patientId.ToString());
        var html = new StringBuilder("<a class=\"back-link\" href=\"/inbox\">Back to the inbox</a><h1>Patient ").Append(E(patientId.ToString())).Append("</h1>");
        if (scores.Count == 0 && alerts.Count == 0)
        {
            html.Append("<p>No results or alerts for this patient yet.</p>");
        }

        html.Append("<h2>Results</h2><div class=\"charts\">");
        foreach (var group in scores.GroupBy(s => s.Instrument).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var definition = catalog.Find(group.Key, group.Last().DefinitionVersion) ?? catalog.Find(group.Key);
            if (definition is not null)
            {
                html.Append(ScoreChart.Render(definition, AlertRules.ShortName(definition), group.ToList()));
            }
        }

        html.Append("</div><h2>Alerts</h2>");
        if (alerts.Count == 0)
        {
            html.Append("<p>None.</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th scope=\"col\">Raised</th><th scope=\"col\">Alert</th><th scope=\"col\">Status</th><th scope=\"col\">Outcome</th></tr></thead><tbody>");
            foreach (var alert in alerts.OrderByDescending(a => a.CreatedAt))
            {
                html.Append("<tr><td>").Append(E(alert.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</td><td><a href=\"/inbox/alerts/").Append(alert.Id).Append("\">")
                    .Append(E($"{alert.Severity} · {RuleNames.GetValueOrDefault(alert.Rule, alert.Rule)} · {alert.Instrument}")).Append("</a></td><td>").Append(E(alert.Status)).Append("</td><td>")
                    .Append(E(alert.Outcome is null ? "–" : OutcomeNames.GetValueOrDefault(alert.Outcome, alert.Outcome) + (alert.Note is null ? string.Empty : $": {alert.Note}"))).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        return Render($"Patient {patientId}", html.ToString(), wide: true);
    }

    private static IResult Expired(Guid id) =>
        Render("Please try again", $"<h1>Please try again</h1><p>This page was open for too long. <a href=\"/inbox/alerts/{id}\">Open the alert again</a>.</p>", StatusCodes.Status400BadRequest);

    private static string Select(string name, string label, string? current, IEnumerable<(string Value, string Text)> options, bool includeAny = true)
    {
        var html = new StringBuilder("<div class=\"field\"><label for=\"").Append(name).Append("\">").Append(E(label)).Append("</label><select id=\"").Append(name).Append("\" name=\"").Append(name).Append("\">");
        if (includeAny)
        {
            html.Append("<option value=\"\">Any</option>");
        }

        foreach (var (value, text) in options)
        {
            html.Append("<option value=\"").Append(E(value)).Append('"').Append(value == current ? " selected" : string.Empty).Append('>').Append(E(text)).Append("</option>");
        }

        return html.Append("</select></div>").ToString();
    }

    /// <summary>The status in plain words, with what needs a person's eyes.</summary>
    private static string StatusText(Alert alert) =>
        alert.Status
        + (alert.NewEvidenceSinceAcknowledged ? " — new evidence since it was acknowledged" : string.Empty)
        + (alert.Status == "open" && alert.PastLastLevelAt is not null ? " — not acknowledged although every contact was told" : string.Empty);

    private static string Row(string term, string valueHtml) => $"<div class=\"summary-row\"><dt>{E(term)}</dt><dd>{valueHtml}</dd></div>";

    private static string Age(TimeSpan age) => age.TotalMinutes < 1 ? "just now"
        : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min ago"
        : age.TotalDays < 1 ? $"{(int)age.TotalHours} h ago"
        : $"{(int)age.TotalDays} days ago";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
