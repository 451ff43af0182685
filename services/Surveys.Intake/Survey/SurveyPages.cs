using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using Surveys.Instruments;
using Surveys.Intake.Data;
using Surveys.Intake.Delivery;
using Surveys.Intake.Invitations;
using Surveys.Intake.Responses;
using Surveys.Hosting;
using Surveys.Web.Security;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.Intake.Survey;

/// <summary>
/// The patient's survey at <c>/s/{token}</c>: one question per page (answers are saved as the patient
/// goes, so a reload, the back button or coming back later keeps them), a check-your-answers page, and
/// one submission through the same validation and pipeline as <c>POST /api/responses</c>. Works with
/// JavaScript off. Every POST redirects, so a refresh or a double click never submits twice. The start and
/// confirmation pages say when the care team reads the answers and, after answers that raise a critical finding,
/// whom to call now (<see cref="PatientHelp"/>).
/// </summary>
public static class SurveyPages
{
    private sealed record Survey(string Token, Invitation Invitation, InstrumentDefinition Definition, PageText Text, SurveyServices Services)
    {
        public string Base => $"/s/{Token}";

        public IReadOnlyList<ItemDefinition> Items => Definition.Items;
    }

    public static IEndpointRouteBuilder MapSurveyPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/s/{token}")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.Links)
            .DisableAntiforgery() // validated by hand below, so a failure gets a readable page
            .ExcludeFromDescription();
        pages.MapGet("/", Start);
        pages.MapGet("/q/{number:int}", ShowQuestion);
        pages.MapPost("/q/{number:int}", AnswerQuestion);
        pages.MapGet("/check", Check);
        pages.MapPost("/send", Send);
        pages.MapGet("/sent", Sent);
        return app;
    }

    private static async Task<(Survey? Survey, IResult? Closed)> OpenAsync(string token, SurveyServices services, CancellationToken ct)
    {
        var invitation = token.Length is > 0 and <= 128 ? await services.Store.FindInvitationAsync(InvitationToken.Hash(token), ct) : null;
        var definition = invitation is null ? null : services.Catalog.Find(invitation.Instrument, invitation.DefinitionVersion);
        if (invitation is null || definition is null)
        {
            return (null, StatusPage(services, PageText.English, PageText.English.UnknownTitle, PageText.English.UnknownBody, StatusCodes.Status404NotFound));
        }

        var text = PageText.For(invitation.Language);
        return invitation.State(services.Time.GetUtcNow()) switch
        {
            LinkState.Open => (new Survey(token, invitation, definition, text, services), null),
            LinkState.Answered => (null, await AnsweredPageAsync(services, invitation, definition, text, $"<h1>{E(text.AnsweredTitle)}</h1>", text.AnsweredTitle, text.AnsweredBody, null, StatusCodes.Status409Conflict, ct)),
            LinkState.Replaced => (null, StatusPage(services, text, text.ReplacedTitle, text.ReplacedBody, StatusCodes.Status410Gone)),
            _ => (null, StatusPage(services, text, text.ExpiredTitle, text.ExpiredBody, StatusCodes.Status410Gone)),
        };
    }

    private static async Task<IResult> Start(string token, [AsParameters] SurveyServices services, CancellationToken ct)
    {
        var (survey, closed) = await OpenAsync(token, services, ct);
        if (survey is null)
        {
            return closed!;
        }

        var t = survey.Text;
        var body = new StringBuilder()
            .Append("<h1 lang=\"en\">").Append(E(survey.Definition.Title.En)).Append("</h1>")
            .Append(EnglishNotice(survey))
            .Append("<p>").Append(E(string.Format(CultureInfo.InvariantCulture, t.IntroQuestions, survey.Items.Count))).Append("</p>")
            .Append("<p>").Append(E(t.IntroSaved)).Append("</p>")
            .Append(await PatientHelp.NoticeAsync(t, services.Settings))
            .Append("<a class=\"button\" role=\"button\" href=\"").Append(E(survey.Base)).Append("/q/1\">").Append(E(t.StartNow)).Append("</a>");
        return Page(survey, survey.Definition.Title.En, body.ToString());
    }

    private static async Task<IResult> ShowQuestion(
        string token, int number, [AsParameters] SurveyServices services, HttpContext context, IAntiforgery antiforgery, CancellationToken ct)
    {
        var (survey, closed) = await OpenAsync(token, services, ct);
        if (survey is null)
        {
            return closed!;
        }

        if (number < 1 || number > survey.Items.Count)
        {
            return Results.Redirect($"{survey.Base}/q/1");
        }

        var answers = await services.Drafts.LoadDraftAsync(survey.Invitation.Id, ct);
        var item = survey.Items[number - 1];
        var current = answers.TryGetValue(item.Id, out var value) && value is { } v ? v.ToString(CultureInfo.InvariantCulture) : null;
        return QuestionPage(survey, number, current, null, context, antiforgery);
    }

    private static async Task<IResult> AnswerQuestion(
        string token, int number, [AsParameters] SurveyServices services, HttpContext context, IAntiforgery antiforgery, CancellationToken ct)
    {
        var (survey, closed) = await OpenAsync(token, services, ct);
        if (survey is null)
        {
            return closed!;
        }

        if (number < 1 || number > survey.Items.Count)
        {
            return Results.Redirect($"{survey.Base}/q/1", preserveMethod: false);
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return StatusPage(services, survey.Text, survey.Text.SessionTitle, survey.Text.SessionBody, StatusCodes.Status400BadRequest, $"{survey.Base}/q/{number}");
        }

        var form = await context.Request.ReadFormAsync(ct);
        var raw = form["answer"].ToString().Trim();
        var item = survey.Items[number - 1];
        var (answer, error) = Parse(item, raw, survey.Text);
        if (error is not null)
        {
            return QuestionPage(survey, number, raw, error, context, antiforgery);
        }

        await services.Drafts.SaveAnswerAsync(survey.Invitation.Id, item.Id, answer, ct);
        var next = number < survey.Items.Count ? $"{survey.Base}/q/{number + 1}" : $"{survey.Base}/check";
        return Results.Redirect(next); // 302 after POST: the browser follows with GET
    }

    private static async Task<IResult> Check(
        string token, [AsParameters] SurveyServices services, HttpContext context, IAntiforgery antiforgery, CancellationToken ct)
    {
        var (survey, closed) = await OpenAsync(token, services, ct);
        if (survey is null)
        {
            return closed!;
        }

        return CheckPage(survey, await services.Drafts.LoadDraftAsync(survey.Invitation.Id, ct), showErrors: false, context, antiforgery);
    }

    private static async Task<IResult> Send(
        string token, [AsParameters] SurveyServices services, HttpContext context, IAntiforgery antiforgery, CancellationToken ct)
    {
        var invitation = await services.Store.FindInvitationAsync(InvitationToken.Hash(token), ct);
        if (invitation?.State(services.Time.GetUtcNow()) == LinkState.Answered)
        {
            return Results.Redirect($"/s/{token}/sent"); // a double click or a refresh: already sent once (a known token, so URL-safe)
        }

        var (survey, closed) = await OpenAsync(token, services, ct);
        if (survey is null)
        {
            return closed!;
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return StatusPage(services, survey.Text, survey.Text.SessionTitle, survey.Text.SessionBody, StatusCodes.Status400BadRequest, $"{survey.Base}/check");
        }

        var answers = await services.Drafts.LoadDraftAsync(survey.Invitation.Id, ct);
        if (survey.Items.Any(i => i.Required && !answers.ContainsKey(i.Id)))
        {
            return CheckPage(survey, answers, showErrors: true, context, antiforgery);
        }

        // The same validation and the same pipeline as POST /api/responses.
        var result = await Submissions.AcceptAsync(services.Store, services.Engine, survey.Invitation, answers, services.Time.GetUtcNow(), "page", ct);
        return result.Outcome switch
        {
            SubmitOutcome.Invalid => CheckPage(survey, answers, showErrors: true, context, antiforgery),
            SubmitOutcome.Expired or SubmitOutcome.Replaced => StatusPage(services, survey.Text, survey.Text.ExpiredTitle, survey.Text.ExpiredBody, StatusCodes.Status410Gone),
            _ => Results.Redirect($"{survey.Base}/sent"),
        };
    }

    /// <summary>
    /// The confirmation. What it says about the answers is read from the stored submission (nothing travels in the
    /// address), so a reload, or answers sent through the API, show the same page.
    /// </summary>
    private static async Task<IResult> Sent(string token, [AsParameters] SurveyServices services, CancellationToken ct)
    {
        var invitation = await services.Store.FindInvitationAsync(InvitationToken.Hash(token), ct);
        var definition = invitation is null ? null : services.Catalog.Find(invitation.Instrument, invitation.DefinitionVersion);
        if (invitation?.State(services.Time.GetUtcNow()) != LinkState.Answered || definition is null)
        {
            // Not sent yet: back to the survey. An unknown token (any text at all, e.g. with CR/LF) gets the readable
            // "not recognised" page and never goes into a Location header.
            var (survey, closed) = await OpenAsync(token, services, ct);
            return survey is null ? closed! : Results.Redirect(survey.Base);
        }

        var t = PageText.For(invitation.Language);
        return await AnsweredPageAsync(
            services, invitation, definition, t, $"<div class=\"panel panel--confirmation\"><h1>{E(t.SentTitle)}</h1></div>", t.SentTitle, t.SentBody, t.SentClose, StatusCodes.Status200OK, ct);
    }

    /// <summary>
    /// A page for a link whose answers were sent: when they raise a finding the instrument alerts on, what to do now
    /// (prominently, under the heading), then the text and when the care team reads the answers.
    /// </summary>
    private static async Task<IResult> AnsweredPageAsync(
        SurveyServices services, Invitation invitation, InstrumentDefinition definition, PageText t, string heading, string title, string message, string? close, int status,
        CancellationToken ct)
    {
        var helpNow = PatientHelp.NeedsHelpNow(services.Engine, definition, await services.Drafts.LoadSubmittedAsync(invitation.Id, ct));
        var body = new StringBuilder(heading)
            .Append(helpNow ? await PatientHelp.WarningAsync(t, services.Settings) : string.Empty)
            .Append("<p>").Append(E(message)).Append("</p>")
            .Append(await PatientHelp.NoticeAsync(t, services.Settings, contacts: !helpNow))
            .Append(close is null ? string.Empty : $"<p>{E(close)}</p>");
        return Render(title, body.ToString(), status, t.Language, t.SkipLink, siteName: services.ClinicName);
    }

    /// <summary>Reads one answer: a choice among the item's options, or a number within its range.</summary>
    private static (decimal? Answer, string? Error) Parse(ItemDefinition item, string raw, PageText t)
    {
        var numeric = item.Options.Count == 0;
        var hint = numeric ? (item.AllowsDecimals ? t.DecimalNumberHint(item.Min, item.Max) : t.WholeNumberHint(item.Min, item.Max)) : t.SelectAnswer;
        if (raw.Length == 0)
        {
            return item.Required ? (null, hint) : (null, null);
        }

        // Digits with one decimal point (or comma), read only when a decimal holds the number exactly (29 decimal places
        // would otherwise round to another value, e.g. 0.00000000000000000000000000001 to 0).
        var written = raw.Replace(',', '.');
        var asJson = written.StartsWith('.') ? "0" + written : written; // ".5" and "2." are fine to type
        asJson = asJson.EndsWith('.') ? asJson + "0" : asJson;
        if (!decimal.TryParse(written, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || !ExactDecimalConverter.TryParseExact(asJson, out _)
            || value < item.Min || value > item.Max
            || decimal.Round(value, item.Decimals) != value
            || (!numeric && item.Options.All(o => o.Value != value)))
        {
            return (null, hint);
        }

        return (value, null);
    }

    private static IResult QuestionPage(Survey survey, int number, string? current, string? error, HttpContext context, IAntiforgery antiforgery)
    {
        var t = survey.Text;
        var item = survey.Items[number - 1];
        var tokens = antiforgery.GetAndStoreTokens(context);
        var numeric = item.Options.Count == 0;
        var firstControl = numeric ? "answer" : $"answer-{Id(item.Options[0].Value)}";
        var describedBy = "hint" + (error is null ? string.Empty : " answer-error");
        var prompt = survey.Definition.Instructions?.En ?? survey.Definition.RecallPeriod?.Text.En;

        var body = new StringBuilder();
        var back = number > 1 ? $"{survey.Base}/q/{number - 1}" : survey.Base;
        body.Append("<a class=\"back-link\" href=\"").Append(E(back)).Append("\">").Append(E(t.Back)).Append("</a>");
        if (error is not null)
        {
            body.Append(ErrorSummary(t, [(firstControl, error)]));
        }

        body.Append("<form method=\"post\" action=\"").Append(E($"{survey.Base}/q/{number}")).Append("\" novalidate>")
            .Append("<input type=\"hidden\" name=\"").Append(E(tokens.FormFieldName)).Append("\" value=\"").Append(E(tokens.RequestToken)).Append("\">")
            .Append("<div class=\"field").Append(error is null ? string.Empty : " field--error").Append("\">");
        var caption = $"<span class=\"caption\">{E(t.Question(number, survey.Items.Count))}</span>";
        var heading = $"<span class=\"question-heading\" lang=\"en\">{E(item.Text.En)}</span>{(item.Required ? string.Empty : $" <span class=\"caption\">{E(t.Optional)}</span>")}";
        var hint = $"<p class=\"hint\" id=\"hint\" lang=\"en\">{E(prompt)}</p>";
        var errorLine = error is null ? string.Empty : $"<p class=\"error-message\" id=\"answer-error\"><span class=\"visually-hidden\">{E(t.ErrorPrefix)}</span>{E(error)}</p>";

        if (numeric)
        {
            body.Append("<h1><label for=\"answer\">").Append(caption).Append(heading).Append("</label></h1>")
                .Append(hint).Append(errorLine)
                .Append("<input class=\"input--short\" type=\"text\" id=\"answer\" name=\"answer\" inputmode=\"").Append(item.AllowsDecimals ? "decimal" : "numeric")
                .Append("\" autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"").Append(describedBy).Append("\" value=\"").Append(E(current)).Append("\">");
        }
        else
        {
            body.Append("<fieldset aria-describedby=\"").Append(describedBy).Append("\"><legend><h1>").Append(caption).Append(heading).Append("</h1></legend>")
                .Append(hint).Append(errorLine);
            foreach (var option in item.Options)
            {
                var id = $"answer-{Id(option.Value)}";
                var value = option.Value.ToString(CultureInfo.InvariantCulture);
                body.Append("<div class=\"choice\"><input type=\"radio\" id=\"").Append(id).Append("\" name=\"answer\" value=\"").Append(value).Append('"')
                    .Append(current == value ? " checked" : string.Empty).Append("><label for=\"").Append(id).Append("\" lang=\"en\">")
                    .Append(E(option.Label.En)).Append("</label></div>");
            }

            body.Append("</fieldset>");
        }

        body.Append("</div><button type=\"submit\">").Append(E(t.Continue)).Append("</button></form>");
        return Page(survey, (error is null ? string.Empty : t.ErrorPrefix) + $"{t.Question(number, survey.Items.Count)} – {survey.Definition.Title.En}", body.ToString(),
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static IResult CheckPage(Survey survey, Dictionary<string, decimal?> answers, bool showErrors, HttpContext context, IAntiforgery antiforgery)
    {
        var t = survey.Text;
        var tokens = antiforgery.GetAndStoreTokens(context);
        var missing = survey.Items.Select((item, index) => (item, number: index + 1)).Where(x => x.item.Required && !answers.ContainsKey(x.item.Id)).ToList();
        var body = new StringBuilder();
        body.Append("<a class=\"back-link\" href=\"").Append(E($"{survey.Base}/q/{survey.Items.Count}")).Append("\">").Append(E(t.Back)).Append("</a>");
        if (showErrors && missing.Count > 0)
        {
            body.Append(ErrorSummary(t, missing.Select(m => ($"{survey.Base}/q/{m.number}", $"{t.AnswerRequiredOnCheck}: {t.Question(m.number, survey.Items.Count)}")).ToList(), absolute: true));
        }

        body.Append("<h1>").Append(E(t.CheckTitle)).Append("</h1><p>").Append(E(t.CheckIntro)).Append("</p><dl class=\"summary-list\">");
        for (var i = 0; i < survey.Items.Count; i++)
        {
            var item = survey.Items[i];
            var shown = answers.TryGetValue(item.Id, out var value) && value is { } v
                ? item.Options.FirstOrDefault(o => o.Value == v)?.Label.En ?? v.ToString(CultureInfo.InvariantCulture)
                : t.NotAnswered;
            body.Append("<div class=\"summary-row\"><dt lang=\"en\">").Append(E(item.Text.En)).Append("</dt><dd lang=\"en\">").Append(E(shown)).Append("</dd>")
                .Append("<dd><a href=\"").Append(E($"{survey.Base}/q/{i + 1}")).Append("\">").Append(E(t.Change))
                .Append("<span class=\"visually-hidden\"> ").Append(E(t.Question(i + 1, survey.Items.Count))).Append("</span></a></dd></div>");
        }

        body.Append("</dl><form method=\"post\" action=\"").Append(E($"{survey.Base}/send")).Append("\" novalidate>")
            .Append("<input type=\"hidden\" name=\"").Append(E(tokens.FormFieldName)).Append("\" value=\"").Append(E(tokens.RequestToken)).Append("\">")
            .Append("<button type=\"submit\">").Append(E(t.SendAnswers)).Append("</button></form>");
        var hasErrors = showErrors && missing.Count > 0;
        return Page(survey, (hasErrors ? t.ErrorPrefix : string.Empty) + t.CheckTitle, body.ToString(), hasErrors ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    /// <summary>The GOV.UK pattern: a summary at the top, focused on load, linking to each problem.</summary>
    private static string ErrorSummary(PageText t, IReadOnlyList<(string Target, string Message)> errors, bool absolute = false)
    {
        var html = new StringBuilder("<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\" tabindex=\"-1\" autofocus>")
            .Append("<h2 id=\"error-summary-title\">").Append(E(t.ProblemTitle)).Append("</h2><ul>");
        foreach (var (target, message) in errors)
        {
            html.Append("<li><a href=\"").Append(absolute ? E(target) : "#" + E(target)).Append("\">").Append(E(message)).Append("</a></li>");
        }

        return html.Append("</ul></div>").ToString();
    }

    private static string EnglishNotice(Survey survey) =>
        survey.Text.Language == "en" ? string.Empty : $"<p class=\"notice\">{E(survey.Text.EnglishOnly)}</p>";

    private static IResult Page(Survey survey, string title, string body, int status = StatusCodes.Status200OK) =>
        Render(title, body, status, survey.Text.Language, survey.Text.SkipLink, siteName: survey.Services.ClinicName);

    private static IResult StatusPage(SurveyServices services, PageText t, string title, string message, int status, string? tryAgain = null) =>
        Render(title, $"""
            <h1>{E(title)}</h1>
            <p>{E(message)}</p>
            {(tryAgain is null ? string.Empty : $"<p><a href=\"{E(tryAgain)}\">{E(t.Continue)}</a></p>")}
            """, status, t.Language, t.SkipLink, siteName: services.ClinicName);

    private static string Id(decimal value) => value.ToString(CultureInfo.InvariantCulture).Replace('.', '_');
}

/// <summary>What the survey routes read, bound per request: the stores, the instruments, the clock and the clinic's settings.</summary>
public sealed record SurveyServices(
    IntakeStore Store, SurveyStore Drafts, InstrumentCatalog Catalog, ScoringEngine Engine, TimeProvider Time, IOptions<IntakeOptions> Intake, IOptions<ClinicOptions> Clinic)
{
    /// <summary>The clinic's name, shown in the header of every patient page (Intake__ClinicName).</summary>
    public string ClinicName => Clinic.Value.ClinicName;

    public IntakeOptions Settings => Intake.Value;
}
