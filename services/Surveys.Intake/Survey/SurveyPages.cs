using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Surveys.Hosting;
using Surveys.Instruments;
using Surveys.Intake.Delivery;
using Surveys.Intake.Invitations;
using Surveys.Intake.Submissions;
using Surveys.Web.Security;

namespace Surveys.Intake.Survey;

/// <summary>An open survey as its pages show it: the link's token, the invitation, its instrument and the patient's words.</summary>
public sealed record OpenSurvey(string Token, Invitation Invitation, InstrumentDefinition Definition, PageText Text, string ClinicName, IntakeOptions Clinic)
{
    /// <summary>The survey's address; the token is a known one (looked up), so it is URL-safe.</summary>
    public string Base => $"/s/{Token}";

    public IReadOnlyList<ItemDefinition> Items => Definition.Items;
}

/// <summary>One of the questionnaires due together, as the list on their pages shows it.</summary>
public sealed record ListedSurvey(string Title, bool Done, string? Href, bool Current);

/// <summary>
/// The patient's survey at <c>/s/{token}</c>: one question per page (answers are saved as the patient
/// goes, so a reload, the back button or coming back later keeps them), a check-your-answers page, and
/// one submission through the same validation and pipeline as <c>POST /api/responses</c>. Works with
/// JavaScript off. Every POST redirects, so a refresh or a double click never submits twice. The start and
/// confirmation pages say when the care team reads the answers and, after answers that raise a critical finding,
/// whom to call now (<see cref="PatientHelp"/>). Questionnaires due together (one message, one link) list each other.
/// The routes and their decisions are here; every page is a Razor component (<see cref="PatientLayout"/>), rendered
/// on the server, its forms posting back to these routes (<c>PostForm</c> carries the antiforgery token, checked
/// here so that a failure gets a readable page).
/// </summary>
public static class SurveyPages
{
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

    /// <summary>
    /// The hint under a question: the instrument's instructions (or its recall period). They introduce the questions
    /// that make the total, so an unscored question of a scored instrument (PHQ-9's question 10, how difficult the
    /// problems made things) stands without them; in a form with no total (the diary) every question has them.
    /// </summary>
    public static string? HintFor(InstrumentDefinition definition, ItemDefinition item)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(item);
        if (!item.Scored && definition.Items.Any(i => i.Scored))
        {
            return null;
        }

        return definition.Instructions?.En ?? definition.RecallPeriod?.Text.En;
    }

    /// <summary>Where a survey with saved answers continues: the first question without an answer, else the check page.</summary>
    public static string ContinueAt(OpenSurvey survey, IReadOnlyDictionary<string, decimal?> answers)
    {
        ArgumentNullException.ThrowIfNull(survey);
        ArgumentNullException.ThrowIfNull(answers);
        var first = survey.Items.Select((item, index) => (item, index)).FirstOrDefault(x => !answers.ContainsKey(x.item.Id));
        return first.item is null ? $"{survey.Base}/check" : $"{survey.Base}/q/{first.index + 1}";
    }

    private static async Task<(OpenSurvey? Survey, IResult? Closed)> OpenAsync(string token, SurveyServices services, CancellationToken ct)
    {
        var invitation = token.Length is > 0 and <= 128 ? await services.Invitations.FindInvitationAsync(InvitationToken.Hash(token), ct) : null;
        var definition = invitation is null ? null : services.Catalog.Find(invitation.Instrument, invitation.DefinitionVersion);
        if (invitation is null || definition is null)
        {
            return (null, StatusPage(services, PageText.English, PageText.English.UnknownTitle, PageText.English.UnknownBody, StatusCodes.Status404NotFound));
        }

        var text = PageText.For(invitation.Language);
        return invitation.State(services.Time.GetUtcNow()) switch
        {
            LinkState.Open => (new OpenSurvey(token, invitation, definition, text, services.ClinicName, services.Settings), null),
            LinkState.Answered => (null, await AnsweredPageAsync(services, invitation, definition, text, confirmation: false, ct)),
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

        var answers = await services.Drafts.LoadDraftAsync(survey.Invitation.Id, ct);
        var answered = survey.Items.Count(i => answers.ContainsKey(i.Id));
        return Page<StartPage>(new Dictionary<string, object?>
        {
            [nameof(StartPage.Survey)] = survey,
            [nameof(StartPage.Answered)] = answered,
            [nameof(StartPage.Next)] = answered == 0 ? $"{survey.Base}/q/1" : ContinueAt(survey, answers),
            [nameof(StartPage.DueTogether)] = await DueTogetherAsync(services, survey.Invitation, ct),
        });
    }

    private static async Task<IResult> ShowQuestion(string token, int number, [AsParameters] SurveyServices services, CancellationToken ct)
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
        return QuestionPage(survey, number, current, null);
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
            return QuestionPage(survey, number, raw, error);
        }

        await services.Drafts.SaveAnswerAsync(survey.Invitation.Id, item.Id, answer, ct);
        var next = number < survey.Items.Count ? $"{survey.Base}/q/{number + 1}" : $"{survey.Base}/check";
        return Results.Redirect(next); // 302 after POST: the browser follows with GET
    }

    private static async Task<IResult> Check(string token, [AsParameters] SurveyServices services, CancellationToken ct)
    {
        var (survey, closed) = await OpenAsync(token, services, ct);
        if (survey is null)
        {
            return closed!;
        }

        return CheckPage(survey, await services.Drafts.LoadDraftAsync(survey.Invitation.Id, ct), showErrors: false);
    }

    private static async Task<IResult> Send(
        string token, [AsParameters] SurveyServices services, HttpContext context, IAntiforgery antiforgery, CancellationToken ct)
    {
        var invitation = await services.Invitations.FindInvitationAsync(InvitationToken.Hash(token), ct);
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
            return CheckPage(survey, answers, showErrors: true);
        }

        // The same validation and the same pipeline as POST /api/responses.
        var result = await Acceptance.AcceptAsync(services.Store, services.Engine, survey.Invitation, answers, services.Time.GetUtcNow(), "page", ct);
        return result.Outcome switch
        {
            SubmitOutcome.Invalid => CheckPage(survey, answers, showErrors: true),
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
        var invitation = await services.Invitations.FindInvitationAsync(InvitationToken.Hash(token), ct);
        var definition = invitation is null ? null : services.Catalog.Find(invitation.Instrument, invitation.DefinitionVersion);
        if (invitation?.State(services.Time.GetUtcNow()) != LinkState.Answered || definition is null)
        {
            // Not sent yet: back to the survey. An unknown token (any text at all, e.g. with CR/LF) gets the readable
            // "not recognised" page and never goes into a Location header.
            var (survey, closed) = await OpenAsync(token, services, ct);
            return survey is null ? closed! : Results.Redirect(survey.Base);
        }

        return await AnsweredPageAsync(services, invitation, definition, PageText.For(invitation.Language), confirmation: true, ct);
    }

    /// <summary>
    /// A page for a link whose answers were sent: when they raise a finding the instrument alerts on, what to do now
    /// (prominently, under the heading), then the text and when the care team reads the answers.
    /// </summary>
    private static async Task<IResult> AnsweredPageAsync(
        SurveyServices services, Invitation invitation, InstrumentDefinition definition, PageText t, bool confirmation, CancellationToken ct)
    {
        var helpNow = PatientHelp.NeedsHelpNow(services.Engine, definition, await services.Drafts.LoadSubmittedAsync(invitation.Id, ct));
        return Page<AnsweredPage>(new Dictionary<string, object?>
        {
            [nameof(AnsweredPage.Text)] = t,
            [nameof(AnsweredPage.ClinicName)] = services.ClinicName,
            [nameof(AnsweredPage.Clinic)] = services.Settings,
            [nameof(AnsweredPage.Confirmation)] = confirmation,
            [nameof(AnsweredPage.Title)] = confirmation ? t.SentTitle : t.AnsweredTitle,
            [nameof(AnsweredPage.Message)] = confirmation ? t.SentBody : t.AnsweredBody,
            [nameof(AnsweredPage.Close)] = confirmation ? t.SentClose : null,
            [nameof(AnsweredPage.HelpNow)] = helpNow,
            [nameof(AnsweredPage.DueTogether)] = await DueTogetherAsync(services, invitation, ct),
        }, confirmation ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
    }

    /// <summary>
    /// The questionnaires due together with this one (same patient, same due time; sent as one message with one link),
    /// open or answered, each with a link to its own page while it is open; empty when this one stands alone.
    /// </summary>
    private static async Task<IReadOnlyList<ListedSurvey>> DueTogetherAsync(SurveyServices services, Invitation invitation, CancellationToken ct)
    {
        var now = services.Time.GetUtcNow();
        var listed = new List<ListedSurvey>();
        foreach (var (other, protectedToken) in await services.Drafts.DueTogetherAsync(invitation.Id, ct))
        {
            var state = other.State(now);
            var definition = services.Catalog.Find(other.Instrument, other.DefinitionVersion);
            if (state is not (LinkState.Open or LinkState.Answered) || definition is null)
            {
                continue;
            }

            var token = state == LinkState.Open ? services.Links.TryUnprotect(protectedToken) : null;
            listed.Add(new ListedSurvey(definition.Title.En, state == LinkState.Answered, token is null ? null : $"/s/{Uri.EscapeDataString(token)}", other.Id == invitation.Id));
        }

        return listed.Count > 1 ? listed : [];
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

    private static RazorComponentResult<QuestionPage> QuestionPage(OpenSurvey survey, int number, string? current, string? error) =>
        Page<QuestionPage>(new Dictionary<string, object?>
        {
            [nameof(Survey.QuestionPage.Survey)] = survey,
            [nameof(Survey.QuestionPage.Number)] = number,
            [nameof(Survey.QuestionPage.Current)] = current,
            [nameof(Survey.QuestionPage.Error)] = error,
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    private static RazorComponentResult<CheckPage> CheckPage(OpenSurvey survey, Dictionary<string, decimal?> answers, bool showErrors) =>
        Page<CheckPage>(new Dictionary<string, object?>
        {
            [nameof(Survey.CheckPage.Survey)] = survey,
            [nameof(Survey.CheckPage.Answers)] = answers,
            [nameof(Survey.CheckPage.ShowErrors)] = showErrors,
        }, showErrors && survey.Items.Any(i => i.Required && !answers.ContainsKey(i.Id)) ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);

    private static RazorComponentResult<StatusPage> StatusPage(SurveyServices services, PageText t, string title, string message, int status, string? tryAgain = null) =>
        Page<StatusPage>(new Dictionary<string, object?>
        {
            [nameof(Survey.StatusPage.Text)] = t,
            [nameof(Survey.StatusPage.ClinicName)] = services.ClinicName,
            [nameof(Survey.StatusPage.Title)] = title,
            [nameof(Survey.StatusPage.Message)] = message,
            [nameof(Survey.StatusPage.TryAgain)] = tryAgain,
        }, status);

    /// <summary>A page component rendered on the server (static, no script) with its status code.</summary>
    private static RazorComponentResult<TPage> Page<TPage>(Dictionary<string, object?> parameters, int status = StatusCodes.Status200OK) where TPage : IComponent =>
        new(parameters) { StatusCode = status };
}

/// <summary>What the survey routes read, bound per request: the stores, the instruments, the clock, the clinic's settings and the link protector.</summary>
public sealed record SurveyServices(
    InvitationStore Invitations, SubmissionStore Store, SurveyStore Drafts, InstrumentCatalog Catalog, ScoringEngine Engine, TimeProvider Time, IOptions<IntakeOptions> Intake, IOptions<ClinicOptions> Clinic,
    LinkProtector Links)
{
    /// <summary>The clinic's name, shown in the header of every patient page (Intake__ClinicName).</summary>
    public string ClinicName => Clinic.Value.ClinicName;

    public IntakeOptions Settings => Intake.Value;
}
