using AngleSharp.Dom;
using Surveys.Instruments;
using Surveys.Intake;
using Surveys.Intake.Invitations;
using Surveys.Intake.Survey;

namespace Surveys.UnitTests.Survey;

/// <summary>
/// The patient pages as components, rendered as the server renders them (the browser tests in SurveyPageTests open them
/// through intake): the hint each question carries, "(optional)" once, the count of answers on coming back, the list of
/// questionnaires due together, and text from settings shown as text.
/// </summary>
public class SurveyPageComponentTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.LoadEmbedded();
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static OpenSurvey Open(string instrument, string version = "1.0.0", PageText? text = null, string clinicName = "Riverside Clinic")
    {
        var definition = Catalog.Find(instrument, version)!;
        var invitation = new Invitation(Guid.NewGuid(), Guid.NewGuid(), instrument, version, Now, Now.AddDays(7), null);
        return new OpenSurvey("a-test-token", invitation, definition, text ?? PageText.English, clinicName, new IntakeOptions());
    }

    private static Task<IDocument> QuestionAsync(OpenSurvey survey, int number, string? error = null) =>
        PageRender.RenderAsync<QuestionPage>(new()
        {
            [nameof(QuestionPage.Survey)] = survey,
            [nameof(QuestionPage.Number)] = number,
            [nameof(QuestionPage.Error)] = error,
        });

    private static int Occurrences(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    [Test]
    public async Task Phq9_question_10_does_not_carry_the_over_the_last_2_weeks_hint_that_the_nine_scored_questions_carry()
    {
        var survey = Open("phq9");

        var first = await QuestionAsync(survey, 1);
        var tenth = await QuestionAsync(survey, 10);

        Assert.That(first.QuerySelector("#hint")?.TextContent, Is.EqualTo("Over the last 2 weeks, how often have you been bothered by any of the following problems?"));
        Assert.That(first.QuerySelector("fieldset")!.GetAttribute("aria-describedby"), Is.EqualTo("hint"));
        Assert.That(PageRender.MainText(tenth), Does.Not.Contain("Over the last 2 weeks").And.Contain("how difficult have these problems made it"));
        Assert.That(tenth.QuerySelector("#hint"), Is.Null);
        Assert.That(tenth.QuerySelector("fieldset")!.HasAttribute("aria-describedby"), Is.False, "it points at no hint that is not there");
    }

    [Test]
    public void Every_diary_question_keeps_the_diarys_instructions_as_its_hint()
    {
        var diary = Catalog.Find("t1d_diary", "2.1.0")!;
        Assert.That(diary.Items.Select(i => SurveyPages.HintFor(diary, i)), Has.All.StartWith("Thinking about the past 7 days"), "a form with no total: every question");
    }

    [Test]
    public async Task The_diarys_optional_question_says_optional_once()
    {
        var survey = Open("t1d_diary", "2.1.0");
        var number = survey.Items.ToList().FindIndex(i => i.Id == "13") + 1;

        var page = await QuestionAsync(survey, number);

        Assert.That(page.QuerySelector("label[for='answer']")!.TextContent, Does.Contain("How many units of insulin did you use in total?"));
        Assert.That(Occurrences(PageRender.MainText(page), "(optional)"), Is.EqualTo(1));
    }

    [Test]
    public void No_question_of_any_instrument_writes_optional_into_its_text_the_page_says_it()
    {
        var texts = Catalog.All.SelectMany(d => d.Items.Select(i => $"{d.Id} {d.Version} item {i.Id}: {i.Text.En}"));
        Assert.That(texts.Where(t => t.Contains("optional", StringComparison.OrdinalIgnoreCase)), Is.Empty);
    }

    [Test]
    public async Task A_question_with_an_error_has_a_summary_that_links_to_the_first_option_and_an_error_title()
    {
        var page = await QuestionAsync(Open("phq9"), 1, PageText.English.SelectAnswer);

        Assert.That(page.Title, Is.EqualTo("Error: Question 1 of 10 – Patient Health Questionnaire-9 (PHQ-9)"));
        var summary = page.QuerySelector(".error-summary")!;
        Assert.That(summary.HasAttribute("autofocus"), Is.True, "focused on load without a script");
        Assert.That(summary.QuerySelector("a")!.GetAttribute("href"), Is.EqualTo("#answer-0"));
        Assert.That(page.QuerySelector("fieldset")!.GetAttribute("aria-describedby"), Is.EqualTo("hint answer-error"));
        Assert.That(page.QuerySelector("form input[type=hidden][name='__csrf']")!.GetAttribute("value"), Is.EqualTo("test-request-token"), "the form carries antiforgery");
        Assert.That(page.QuerySelector("form")!.GetAttribute("action"), Is.EqualTo("/s/a-test-token/q/1"));
    }

    [Test]
    public async Task Coming_back_to_a_half_answered_survey_says_how_many_questions_are_answered_and_continues_at_the_first_unanswered()
    {
        var survey = Open("phq9");
        var answers = new Dictionary<string, decimal?> { ["1"] = 1, ["2"] = 0, ["3"] = 2, ["4"] = 1 };
        var next = SurveyPages.ContinueAt(survey, answers);

        var page = await PageRender.RenderAsync<StartPage>(new()
        {
            [nameof(StartPage.Survey)] = survey,
            [nameof(StartPage.Answered)] = answers.Count,
            [nameof(StartPage.Next)] = next,
        });

        Assert.That(next, Is.EqualTo("/s/a-test-token/q/5"));
        Assert.That(page.QuerySelector("#progress")!.TextContent, Is.EqualTo("You have answered 4 of 10 questions."));
        var button = page.QuerySelector("a.button")!;
        Assert.That((button.TextContent, button.GetAttribute("href")), Is.EqualTo(("Continue", "/s/a-test-token/q/5")));
        Assert.That(SurveyPages.ContinueAt(survey, Enumerable.Range(1, 10).ToDictionary(i => $"{i}", _ => (decimal?)0)), Is.EqualTo("/s/a-test-token/check"), "all answered: the check page");
        Assert.That(SurveyPages.ContinueAt(survey, new Dictionary<string, decimal?> { ["2"] = 1 }), Is.EqualTo("/s/a-test-token/q/1"), "the first unanswered, even before one answered");
    }

    [Test]
    public async Task A_new_survey_starts_at_question_1_and_says_how_many_questions_there_are()
    {
        var page = await PageRender.RenderAsync<StartPage>(new()
        {
            [nameof(StartPage.Survey)] = Open("phq9"),
            [nameof(StartPage.Next)] = "/s/a-test-token/q/1",
        });

        Assert.That(page.QuerySelector("#progress"), Is.Null);
        Assert.That(PageRender.MainText(page), Does.Contain("There are 10 questions."));
        Assert.That(page.QuerySelector("a.button")!.TextContent, Is.EqualTo("Start now"));
        Assert.That(page.QuerySelector("section[aria-labelledby='due-together-title']"), Is.Null, "a survey on its own lists nothing");
    }

    private static readonly IReadOnlyList<ListedSurvey> Baseline =
    [
        new("Patient Health Questionnaire-9 (PHQ-9)", Done: true, Href: null, Current: true),
        new("Generalized Anxiety Disorder-7 (GAD-7)", Done: false, Href: "/s/gad7-token", Current: false),
        new("WHO-5 Well-Being Index", Done: false, Href: "/s/who5-token", Current: false),
    ];

    [Test]
    public async Task Questionnaires_due_together_are_listed_with_done_or_not_and_a_link_to_each_open_one()
    {
        var page = await PageRender.RenderAsync<StartPage>(new()
        {
            [nameof(StartPage.Survey)] = Open("gad7"),
            [nameof(StartPage.Next)] = "/s/a-test-token/q/1",
            [nameof(StartPage.DueTogether)] = new List<ListedSurvey>
            {
                Baseline[0] with { Current = false },
                Baseline[1] with { Current = true },
                Baseline[2],
            },
        });

        var list = page.QuerySelector("section[aria-labelledby='due-together-title']")!;
        Assert.That(list.QuerySelector("h2")!.TextContent, Is.EqualTo("You have 3 questionnaires to answer"));
        var items = list.QuerySelectorAll("li").Select(li => PageRender.Collapse(li.TextContent)).ToList();
        Assert.That(items, Is.EqualTo(new[]
        {
            "Patient Health Questionnaire-9 (PHQ-9) Done",
            "Generalized Anxiety Disorder-7 (GAD-7) (this one) Not done yet",
            "WHO-5 Well-Being Index Not done yet",
        }));
        Assert.That(list.QuerySelectorAll("a").Select(a => a.GetAttribute("href")), Is.EqualTo(new[] { "/s/who5-token" }), "a link to each other open one");
    }

    [Test]
    public async Task After_sending_one_of_several_the_thank_you_page_offers_the_next_one_still_open()
    {
        var page = await PageRender.RenderAsync<AnsweredPage>(new()
        {
            [nameof(AnsweredPage.Text)] = PageText.English,
            [nameof(AnsweredPage.ClinicName)] = "Riverside Clinic",
            [nameof(AnsweredPage.Clinic)] = new IntakeOptions(),
            [nameof(AnsweredPage.Confirmation)] = true,
            [nameof(AnsweredPage.Title)] = PageText.English.SentTitle,
            [nameof(AnsweredPage.Message)] = PageText.English.SentBody,
            [nameof(AnsweredPage.Close)] = PageText.English.SentClose,
            [nameof(AnsweredPage.HelpNow)] = true,
            [nameof(AnsweredPage.DueTogether)] = Baseline,
        });

        var button = page.QuerySelector("a.button")!;
        Assert.That((button.TextContent, button.GetAttribute("href")), Is.EqualTo(("Answer the next questionnaire", "/s/gad7-token")));
        Assert.That(PageRender.MainText(page), Does.Contain("There is another questionnaire to answer Generalized Anxiety Disorder-7 (GAD-7)")
            .And.Not.Contain(PageText.English.SentClose));
        Assert.That(page.QuerySelector("main > .panel + .govuk-warning-text"), Is.Not.Null, "where to get help now stays straight under the heading");
    }

    [Test]
    public async Task When_every_questionnaire_due_together_is_done_the_thank_you_page_says_the_page_can_be_closed()
    {
        var page = await PageRender.RenderAsync<AnsweredPage>(new()
        {
            [nameof(AnsweredPage.Text)] = PageText.English,
            [nameof(AnsweredPage.ClinicName)] = "Riverside Clinic",
            [nameof(AnsweredPage.Clinic)] = new IntakeOptions(),
            [nameof(AnsweredPage.Confirmation)] = true,
            [nameof(AnsweredPage.Title)] = PageText.English.SentTitle,
            [nameof(AnsweredPage.Message)] = PageText.English.SentBody,
            [nameof(AnsweredPage.Close)] = PageText.English.SentClose,
            [nameof(AnsweredPage.DueTogether)] = Baseline.Select(s => s with { Done = true, Href = null }).ToList(),
        });

        Assert.That(page.QuerySelector("a.button"), Is.Null);
        Assert.That(PageRender.MainText(page), Does.Contain(PageText.English.SentClose));
        Assert.That(page.QuerySelectorAll("section[aria-labelledby='due-together-title'] li"), Has.Length.EqualTo(3));
    }

    [Test]
    public async Task The_layout_is_in_the_patients_language_with_the_clinics_name_as_text_and_the_development_banner_only_in_development()
    {
        var hindi = Open("phq9", text: PageText.Hindi, clinicName: "Clinic <script>alert(1)</script>");
        var parameters = new Dictionary<string, object?> { [nameof(StartPage.Survey)] = hindi, [nameof(StartPage.Next)] = "/s/a-test-token/q/1" };

        var production = await PageRender.RenderAsync<StartPage>(parameters);
        var development = await PageRender.RenderAsync<StartPage>(parameters, "Development");

        Assert.That(production.DocumentElement.GetAttribute("lang"), Is.EqualTo("hi"));
        Assert.That(production.QuerySelector(".site-name")!.TextContent, Is.EqualTo("Clinic <script>alert(1)</script>"));
        Assert.That(production.QuerySelectorAll("script"), Is.Empty, "encoded by construction: no element from a setting");
        Assert.That(production.QuerySelector(".skip-link")!.TextContent, Is.EqualTo(PageText.Hindi.SkipLink));
        Assert.That(production.QuerySelector("h1")!.GetAttribute("lang"), Is.EqualTo("en"), "the questionnaire's title is English");
        Assert.That(production.QuerySelector(".notice")!.TextContent, Is.EqualTo(PageText.Hindi.EnglishOnly));
        Assert.That(production.QuerySelector(".phase-banner"), Is.Null);
        Assert.That(development.QuerySelector(".phase-banner")!.TextContent, Does.Contain("Development: messages are not sent."));
    }

    [Test]
    public async Task The_check_page_after_a_send_with_questions_unanswered_links_each_to_its_page()
    {
        var survey = Open("phq9");
        var page = await PageRender.RenderAsync<CheckPage>(new()
        {
            [nameof(CheckPage.Survey)] = survey,
            [nameof(CheckPage.Answers)] = new Dictionary<string, decimal?> { ["1"] = 2, ["2"] = 1 },
            [nameof(CheckPage.ShowErrors)] = true,
        });

        var links = page.QuerySelectorAll(".error-summary a");
        Assert.That(links.Select(a => a.GetAttribute("href")), Is.EqualTo(Enumerable.Range(3, 7).Select(n => $"/s/a-test-token/q/{n}")), "questions 3–9; 10 is optional");
        Assert.That(links[0].TextContent, Is.EqualTo("Answer this question: Question 3 of 10"));
        Assert.That(page.QuerySelector(".summary-row dd")!.TextContent, Is.EqualTo("More than half the days"));
        Assert.That(page.QuerySelector("form")!.GetAttribute("action"), Is.EqualTo("/s/a-test-token/send"));
    }
}
