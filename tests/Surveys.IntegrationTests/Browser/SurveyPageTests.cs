using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Playwright;

namespace Surveys.IntegrationTests.Browser;

/// <summary>A patient answers surveys in a real browser (Chromium), on a phone, by keyboard, and with mistakes.</summary>
[NonParallelizable]
public class SurveyPageTests : BrowserTest
{
    // Numbers from Ofcom's range reserved for drama (020 7946 0000–0999): never a real line.
    private const string ClinicPhone = "020 7946 0123";
    private const string OutOfHoursPhone = "020 7946 0456";
    private const string EmergencyNumber = "999";

    protected override IDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Intake__ClinicName"] = "Riverside Clinic",
        ["Intake__ClinicPhone"] = ClinicPhone,
        ["Intake__OutOfHoursPhone"] = OutOfHoursPhone,
        ["Intake__EmergencyNumber"] = EmergencyNumber,
        ["Intake__ReadWithinWorkingDays"] = "2",
    };

    private async Task<(Guid PatientId, string Token)> NewLinkAsync(string instrument, string language = "en")
    {
        var patientId = await Platform.CreatePatientAsync();
        var token = await Platform.InviteAsync(patientId, instrument);
        if (language != "en")
        {
            await ExecuteAsync($"UPDATE patients SET language = '{language}' WHERE id = '{patientId}'");
        }

        return (patientId, token);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var db = Platform.OpenDatabase("intake");
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Answers the question on screen by touching its option (or typing a number) and continuing.</summary>
    private static async Task AnswerAsync(IPage page, decimal? value, bool numeric = false)
    {
        if (value is { } v)
        {
            if (numeric)
            {
                await page.FillAsync("#answer", v.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                await page.ClickAsync($"label[for='answer-{v.ToString(System.Globalization.CultureInfo.InvariantCulture).Replace('.', '_')}']");
            }
        }

        await PressAsync(page, "Continue");
    }

    /// <summary>Answers the PHQ-9's nine required items on the pages, skips item 10 and sends the answers.</summary>
    private static async Task SendPhq9Async(IPage page, string token, int[] answers)
    {
        await page.GotoAsync($"/s/{token}/q/1");
        foreach (var answer in answers)
        {
            await AnswerAsync(page, answer);
        }

        await AnswerAsync(page, null);
        await PressAsync(page, "Send answers");
    }

    private static Dictionary<string, int> Phq9(int item9) => Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => i == 9 ? item9 : 0);

    /// <summary>The page fits a 390 px phone: nothing scrolls sideways.</summary>
    private static async Task AssertFitsThePhoneAsync(IPage page) =>
        Assert.That(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(390), "nothing scrolls sideways on a 390 px phone");

    private async Task<JsonArray> ScoresAsync(Guid patientId) => await RunningSystem.EventuallyAsync(
        async () => (await Platform.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/patients/{patientId}/scores"))!,
        s => s.Count > 0,
        TimeSpan.FromSeconds(10));

    [Test]
    public async Task A_patient_completes_the_phq9_on_a_phone_and_is_scored()
    {
        var (patientId, token) = await NewLinkAsync("phq9");
        await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();

        await page.GotoAsync($"/s/{token}");
        await ShotAsync(page, "01-start");
        Assert.That(await page.Locator("h1").InnerTextAsync(), Does.Contain("PHQ-9"));
        await PressAsync(page, "Start now");

        int[] answers = [1, 2, 0, 1, 0, 0, 1, 0, 0];
        for (var i = 0; i < answers.Length; i++)
        {
            Assert.That(await page.Locator(".caption").First.InnerTextAsync(), Is.EqualTo($"Question {i + 1} of 10"));
            if (i == 0)
            {
                await ShotAsync(page, "02-question");
            }

            await AnswerAsync(page, answers[i]);
        }

        await AnswerAsync(page, null); // item 10 is optional
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Check your answers before sending them"));
        await ShotAsync(page, "04-check");
        await PressAsync(page, "Send answers");

        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Answers sent"));
        await ShotAsync(page, "06-sent");
        var scores = await ScoresAsync(patientId);
        Assert.That(scores.Single()!["total"]!.GetValue<decimal>(), Is.EqualTo(5));
        Assert.That(scores.Single()!["band"]!.GetValue<string>(), Is.EqualTo("mild"));
    }

    [Test]
    public async Task A_patient_who_reports_thoughts_of_self_harm_is_told_where_to_get_help_now()
    {
        var (_, token) = await NewLinkAsync("phq9");
        await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();

        await SendPhq9Async(page, token, [0, 0, 0, 0, 0, 0, 0, 0, 1]); // item 9: "Several days"

        Assert.That(page.Url, Does.EndWith($"/s/{token}/sent"), "no answer travels in the address");
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Answers sent"));
        var warning = page.Locator("main > .panel + .govuk-warning-text"); // straight under the heading
        await Assertions.Expect(warning).ToBeVisibleAsync();
        Assert.That(await warning.Locator(".govuk-warning-text__icon").TextContentAsync(), Is.EqualTo("!"));
        Assert.That(await warning.Locator(".visually-hidden").TextContentAsync(), Is.EqualTo("Warning"));
        Assert.That(await warning.InnerTextAsync(), Does.Contain("If you need help now, do not wait for your care team to contact you")
            .And.Contain($"Call your clinic on {ClinicPhone}.")
            .And.Contain($"When your clinic is closed, call {OutOfHoursPhone}.")
            .And.Contain($"In an emergency, call {EmergencyNumber}."));
        Assert.That(await warning.GetByRole(AriaRole.Link, new() { Name = ClinicPhone }).GetAttributeAsync("href"), Is.EqualTo("tel:02079460123"));
        Assert.That(await warning.GetByRole(AriaRole.Link, new() { Name = OutOfHoursPhone }).GetAttributeAsync("href"), Is.EqualTo("tel:02079460456"));
        Assert.That(await warning.GetByRole(AriaRole.Link, new() { Name = EmergencyNumber, Exact = true }).GetAttributeAsync("href"), Is.EqualTo("tel:999"));
        Assert.That(await page.Locator("main").InnerTextAsync(), Does.Contain("Your answers are not read straight away. Your care team reads them within 2 working days."));
        Assert.That(await page.Locator(".site-name").InnerTextAsync(), Is.EqualTo("Riverside Clinic"));
        await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "06-sent-help-now");

        // Reloaded, or the link opened again later: the help is still there (read from the stored answers).
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".govuk-warning-text")).ToBeVisibleAsync();
        await page.GotoAsync($"/s/{token}");
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("This survey has already been answered"));
        await Assertions.Expect(page.Locator(".govuk-warning-text")).ToBeVisibleAsync();
    }

    [Test]
    public async Task A_patient_is_told_where_to_get_help_before_the_answers_are_scored()
    {
        var (patientId, token) = await NewLinkAsync("phq9");
        await Platform.KillAsync("Scoring"); // nothing scores the answers meanwhile
        try
        {
            await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
            var page = await context.NewPageAsync();
            await SendPhq9Async(page, token, [0, 0, 0, 0, 0, 0, 0, 0, 3]);

            await Assertions.Expect(page.Locator(".govuk-warning-text")).ToBeVisibleAsync();
            Assert.That(await Platform.CountAsync("intake", $"SELECT COUNT(*) FROM submissions WHERE patient_id = '{patientId}' AND score_status IS NULL"), Is.EqualTo(1),
                "the answers were not scored yet");
        }
        finally
        {
            await Platform.RestartAsync("Scoring");
        }
    }

    [Test]
    public async Task A_patient_with_no_critical_finding_sees_when_the_team_reads_answers_and_no_warning()
    {
        var (_, token) = await NewLinkAsync("phq9");
        await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();

        await SendPhq9Async(page, token, [2, 2, 1, 1, 1, 1, 1, 1, 0]); // 10, moderate, item 9 "Not at all"

        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Answers sent"));
        var notice = page.Locator(".inset-text");
        Assert.That(await notice.InnerTextAsync(), Does.Contain("Your answers are not read straight away. Your care team reads them within 2 working days.")
            .And.Contain($"If you need help sooner, call your clinic on {ClinicPhone}. In an emergency, call {EmergencyNumber}."));
        Assert.That(await notice.GetByRole(AriaRole.Link, new() { Name = ClinicPhone }).GetAttributeAsync("href"), Is.EqualTo("tel:02079460123"));
        await Assertions.Expect(page.Locator(".govuk-warning-text")).ToHaveCountAsync(0);
        await AssertFitsThePhoneAsync(page);
    }

    [Test]
    public async Task A_patient_starting_a_survey_is_told_the_answers_are_not_watched_in_real_time()
    {
        var (_, token) = await NewLinkAsync("t1d_diary");
        await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{token}");

        Assert.That(await page.Locator(".site-name").InnerTextAsync(), Is.EqualTo("Riverside Clinic"));
        var notice = page.Locator(".inset-text");
        Assert.That(await notice.InnerTextAsync(), Does.Contain("Your answers are not read straight away. Your care team reads them within 2 working days.")
            .And.Contain($"If you need help sooner, call your clinic on {ClinicPhone}. In an emergency, call {EmergencyNumber}."));
        Assert.That(await notice.GetByRole(AriaRole.Link, new() { Name = EmergencyNumber, Exact = true }).GetAttributeAsync("href"), Is.EqualTo("tel:999"));
        await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "01-start-not-watched");
    }

    [Test]
    public async Task A_hindi_speaking_patient_who_reports_thoughts_of_self_harm_is_told_where_to_get_help_in_hindi()
    {
        // Sent through the API rather than the pages: the link still shows the help when opened.
        var (_, token) = await NewLinkAsync("phq9", "hi");
        await Platform.SubmitAsync(token, Phq9(item9: 2));
        await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{token}/sent");

        Assert.That(await page.GetAttributeAsync("html", "lang"), Is.EqualTo("hi"));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("उत्तर भेज दिए गए"));
        var warning = page.Locator(".govuk-warning-text");
        await Assertions.Expect(warning).ToBeVisibleAsync();
        Assert.That(await warning.Locator(".visually-hidden").TextContentAsync(), Is.EqualTo("चेतावनी"));
        Assert.That(await warning.InnerTextAsync(), Does.Contain($"अपने क्लिनिक को {ClinicPhone} पर फ़ोन करें।")
            .And.Contain($"आपातकाल में {EmergencyNumber} पर फ़ोन करें।"));
        Assert.That(await warning.GetByRole(AriaRole.Link, new() { Name = OutOfHoursPhone }).GetAttributeAsync("href"), Is.EqualTo("tel:02079460456"));
        Assert.That(await page.Locator(".inset-text").InnerTextAsync(), Does.Contain("आपके उत्तर तुरंत नहीं पढ़े जाते।"));
        Assert.That(await page.Locator(".site-name").InnerTextAsync(), Is.EqualTo("Riverside Clinic"));
        await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "09-sent-help-now-hindi");
    }

    [Test]
    public async Task A_patient_completes_the_diary_with_numbers_on_a_phone()
    {
        var (patientId, token) = await NewLinkAsync("t1d_diary");
        await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{token}/q/1");

        decimal[] grades = [0, 1, 2, 0, 0, 0, 0, 0, 0, 0];
        foreach (var grade in grades)
        {
            await AnswerAsync(page, grade);
        }

        Assert.That(await page.Locator("label[for='answer']").InnerTextAsync(), Does.Contain("Question 11 of 18"));
        await page.FillAsync("#answer", "250"); // out of range 0–99
        await PressAsync(page, "Continue");
        Assert.That(await page.Locator(".error-message").InnerTextAsync(), Does.Contain("whole number from 0 to 99"));
        await ShotAsync(page, "03-number-error");
        await AnswerAsync(page, 2, numeric: true);
        await AnswerAsync(page, 0);
        await AnswerAsync(page, 42.5m, numeric: true);
        await AnswerAsync(page, 0);                        // 14: no glucagon, passing out or fit with a low
        await AnswerAsync(page, 1);                        // 15: the meter shows mmol/L
        await AnswerAsync(page, null, numeric: true);      // 16: lowest glucose not checked (optional)
        await AnswerAsync(page, null, numeric: true);      // 17: ketones not checked (optional)
        await AnswerAsync(page, 0);                        // 18: no hospital visit
        await PressAsync(page, "Send answers");

        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Answers sent"));
        var scores = await ScoresAsync(patientId);
        Assert.That(scores.Single()!["status"]!.GetValue<string>(), Is.EqualTo("scored"));
    }

    [Test]
    public async Task A_patient_completes_a_form_with_the_keyboard_alone()
    {
        var (patientId, token) = await NewLinkAsync("gad7");
        await using var context = await Browser.DesktopAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{token}");

        // Tab to "Start now" (after the skip link and the content), then Enter.
        for (var i = 0; i < 10 && await page.EvaluateAsync<string>("document.activeElement.textContent") != "Start now"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await page.Keyboard.PressAsync("Enter");
        for (var question = 1; question <= 7; question++)
        {
            await page.WaitForURLAsync($"**/q/{question}");
            // Tab into the radio group (skip link, back link, then the first option), Space to choose, Enter to send.
            for (var i = 0; i < 10 && await page.EvaluateAsync<string>("document.activeElement.name") != "answer"; i++)
            {
                await page.Keyboard.PressAsync("Tab");
            }

            await page.Keyboard.PressAsync("Space");
            await page.Keyboard.PressAsync("Enter");
        }

        await page.WaitForURLAsync("**/check");
        for (var i = 0; i < 40 && await page.EvaluateAsync<string>("document.activeElement.textContent") != "Send answers"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/sent");
        Assert.That((await ScoresAsync(patientId)).Single()!["total"]!.GetValue<decimal>(), Is.Zero, "the first option of every item");
    }

    [Test]
    public async Task A_skipped_required_question_is_shown_in_an_error_summary_that_leads_to_it()
    {
        var (_, token) = await NewLinkAsync("phq9");
        await using var context = await Browser.DesktopAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{token}/q/1");

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(await page.TitleAsync(), Does.StartWith("Error: "));
        // The browser applies autofocus after the page is parsed, a moment after the response: wait for it.
        await Assertions.Expect(page.Locator(".error-summary")).ToBeFocusedAsync(); // focus moves to the summary
        await ShotAsync(page, "03-question-error");
        await page.GetByRole(AriaRole.Link, new() { Name = "Select an answer" }).ClickAsync();
        await Assertions.Expect(page.Locator("#answer-0")).ToBeFocusedAsync(); // the link leads to the question

        // Jumping to the end with questions unanswered: the summary lists each, linking to its page.
        await page.GotoAsync($"/s/{token}/check");
        await PressAsync(page, "Send answers");
        var links = page.Locator(".error-summary a");
        await Assertions.Expect(links).ToHaveCountAsync(9); // items 1–9 are required; item 10 is optional
        await ShotAsync(page, "05-check-error");
        await NavigateByAsync(page, () => links.Nth(3).ClickAsync());
        Assert.That(page.Url, Does.EndWith("/q/4"));
    }

    [Test]
    public async Task Answers_are_kept_on_reload_and_when_coming_back_later()
    {
        var (_, token) = await NewLinkAsync("phq9");
        await using (var first = await Browser.PhoneAsync(Platform.Intake.BaseAddress))
        {
            var page = await first.NewPageAsync();
            await page.GotoAsync($"/s/{token}/q/1");
            await AnswerAsync(page, 2);
            await AnswerAsync(page, 3);
            await page.ReloadAsync();
            await page.GoBackAsync();
            Assert.That(await page.IsCheckedAsync("#answer-3"), Is.True, "question 2 keeps its answer after reload and back");
        }

        // Another day, another browser: the link remembers.
        await using var later = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var again = await later.NewPageAsync();
        await again.GotoAsync($"/s/{token}/q/1");
        Assert.That(await again.IsCheckedAsync("#answer-2"), Is.True);
    }

    [Test]
    public async Task A_double_click_on_send_makes_one_submission()
    {
        var (patientId, token) = await NewLinkAsync("gold");
        await using var context = await Browser.DesktopAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{token}/q/1");
        await AnswerAsync(page, 4);

        await page.GetByRole(AriaRole.Button, new() { Name = "Send answers" }).DblClickAsync();
        await page.WaitForURLAsync("**/sent");
        await page.ReloadAsync();
        await page.GoBackAsync();

        Assert.That(await Platform.CountAsync("intake", $"SELECT COUNT(*) FROM submissions WHERE patient_id = '{patientId}'"), Is.EqualTo(1));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("This survey has already been answered").Or.EqualTo("Answers sent"));
    }

    [Test]
    public async Task Used_expired_replaced_and_unknown_links_get_a_plain_page_with_the_right_status()
    {
        await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();

        var (_, used) = await NewLinkAsync("gold");
        await Platform.SubmitAsync(used, new Dictionary<string, int> { ["1"] = 2 });
        var response = await page.GotoAsync($"/s/{used}");
        Assert.That(response!.Status, Is.EqualTo(409));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("This survey has already been answered"));
        await ShotAsync(page, "07-answered");

        var (_, expired) = await NewLinkAsync("gold");
        await ExecuteAsync($"UPDATE invitations SET expires_at = '2000-01-01T00:00:00.0000000+00:00' WHERE token_hash = '{Hash(expired)}'");
        response = await page.GotoAsync($"/s/{expired}/q/1");
        Assert.That(response!.Status, Is.EqualTo(410));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("This link has expired"));
        await ShotAsync(page, "08-expired");

        var (_, replaced) = await NewLinkAsync("gold");
        await ExecuteAsync($"UPDATE invitations SET superseded_at = '2026-01-01T00:00:00.0000000+00:00' WHERE token_hash = '{Hash(replaced)}'");
        response = await page.GotoAsync($"/s/{replaced}");
        Assert.That(response!.Status, Is.EqualTo(410));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("This link has been replaced"));

        response = await page.GotoAsync("/s/not-a-real-link");
        Assert.That(response!.Status, Is.EqualTo(404));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Link not recognised"));
        Assert.That(await page.ContentAsync(), Does.Not.Contain("phq9").And.Not.Contain("Gold"), "a closed link reveals nothing");
    }

    [Test]
    public async Task A_patient_whose_language_is_hindi_gets_hindi_buttons_and_english_questions_marked_as_english()
    {
        var (_, token) = await NewLinkAsync("phq9", "hi");
        await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{token}");

        Assert.That(await page.GetAttributeAsync("html", "lang"), Is.EqualTo("hi"));
        Assert.That(await page.Locator(".notice").InnerTextAsync(), Does.Contain("अंग्रेज़ी"));
        await ShotAsync(page, "09-start-hindi");
        await PressAsync(page, "अभी शुरू करें");
        Assert.That(await page.Locator(".caption").First.InnerTextAsync(), Is.EqualTo("प्रश्न 1 / 10"));
        Assert.That(await page.Locator(".question-heading").GetAttributeAsync("lang"), Is.EqualTo("en"));
        Assert.That(await page.GetByRole(AriaRole.Button, new() { Name = "आगे बढ़ें" }).CountAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task Coming_back_to_a_half_answered_survey_says_how_many_are_answered_and_continues_at_the_first_unanswered()
    {
        var (_, token) = await NewLinkAsync("phq9");
        await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{token}/q/1");
        await AnswerAsync(page, 1);
        await AnswerAsync(page, 0);
        await AnswerAsync(page, 2);

        await page.GotoAsync($"/s/{token}"); // the link opened again from the message
        Assert.That(await page.Locator("#progress").InnerTextAsync(), Is.EqualTo("You have answered 3 of 10 questions."));
                await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "10-start-coming-back");
        await PressAsync(page, "Continue");
        Assert.That(page.Url, Does.EndWith($"/s/{token}/q/4"));
    }

    /// <summary>
    /// Invitations due together, as the scheduler leaves them: one patient, one due time, each link's token kept
    /// protected with intake's Data Protection keys (the same keys folder and purpose as <c>LinkProtector</c>).
    /// </summary>
    private async Task<(Guid PatientId, Dictionary<string, string> Tokens)> DueTogetherAsync(params string[] instruments)
    {
        var patientId = await Platform.CreatePatientAsync();
        var protector = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(Platform.DataDirectory, "keys")), b => b.SetApplicationName("Surveys.Intake"))
            .CreateProtector("Surveys.Intake.InvitationLink.v1");
        var tokens = new Dictionary<string, string>();
        foreach (var instrument in instruments)
        {
            var token = await Platform.InviteAsync(patientId, instrument);
            tokens[instrument] = token;
            await ExecuteAsync($"UPDATE invitations SET due_at = '2026-06-01T08:00:00.0000000+00:00', protected_token = '{protector.Protect(token)}' WHERE token_hash = '{Hash(token)}'");
        }

        return (patientId, tokens);
    }

    [Test]
    public async Task Questionnaires_due_together_are_listed_on_each_page_and_the_thank_you_page_offers_the_next_one()
    {
        var (_, tokens) = await DueTogetherAsync("gold", "phq9", "gad7");
        await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();

        await page.GotoAsync($"/s/{tokens["gold"]}"); // the one link of the message
        var list = page.Locator("section[aria-labelledby='due-together-title']");
        Assert.That(await list.Locator("h2").InnerTextAsync(), Is.EqualTo("You have 3 questionnaires to answer"));
        Assert.That(await list.Locator("li").AllTextContentsAsync(), Has.Count.EqualTo(3).And.All.Contain("Not done yet"));
        Assert.That(await list.Locator("a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"),
            Is.EqualTo(new[] { $"/s/{tokens["phq9"]}", $"/s/{tokens["gad7"]}" }), "a link to each other one, its own");
                await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "11-start-due-together");

        await PressAsync(page, "Start now");
        await AnswerAsync(page, 4);
        await PressAsync(page, "Send answers");
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Answers sent"));
        Assert.That(await page.Locator("main").InnerTextAsync(), Does.Contain("There is another questionnaire to answer"));
                await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "12-sent-next-one");

        await NavigateByAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Answer the next questionnaire" }).ClickAsync());
        Assert.That(page.Url, Does.EndWith($"/s/{tokens["phq9"]}"));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Does.Contain("PHQ-9"));
        var items = await page.Locator("section[aria-labelledby='due-together-title'] li").AllTextContentsAsync();
        Assert.That(items[0], Does.Contain("Done"), "the one sent");
        Assert.That(items[1], Does.Contain("this one"));
    }

    [Test]
    public async Task Phq9_question_10_has_no_recall_hint_and_the_diarys_optional_question_says_optional_once()
    {
        var (_, phq9) = await NewLinkAsync("phq9");
        var (_, diary) = await NewLinkAsync("t1d_diary");
        await using var context = await Browser.PhoneAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();

        await page.GotoAsync($"/s/{phq9}/q/1");
        Assert.That(await page.Locator("#hint").InnerTextAsync(), Does.StartWith("Over the last 2 weeks"));
        await page.GotoAsync($"/s/{phq9}/q/10");
        Assert.That(await page.Locator("#hint").CountAsync(), Is.Zero);
        Assert.That(await page.Locator("main").InnerTextAsync(), Does.Not.Contain("Over the last 2 weeks"));

        await page.GotoAsync($"/s/{diary}/q/13");
        var heading = await page.Locator("h1").InnerTextAsync();
        Assert.That(heading, Does.Contain("units of insulin"));
        Assert.That(heading.Split("(optional)").Length - 1, Is.EqualTo(1), "said once");
    }

    [Test]
    public async Task Every_page_has_no_serious_or_critical_accessibility_violation()
    {
        var (_, token) = await NewLinkAsync("t1d_diary");
        var (_, answered) = await NewLinkAsync("gold");
        await Platform.SubmitAsync(answered, new Dictionary<string, int> { ["1"] = 1 });
        var (_, helpNow) = await NewLinkAsync("phq9");
        await Platform.SubmitAsync(helpNow, Phq9(item9: 1));
        var (_, together) = await DueTogetherAsync("gold", "phq9");
        await Platform.SubmitAsync(together["gold"], new Dictionary<string, int> { ["1"] = 1 });
        await using var context = await Browser.DesktopAsync(Platform.Intake.BaseAddress);
        var page = await context.NewPageAsync();
        var checkedPages = new List<string>();

        async Task AuditAsync(string name)
        {
            await AssertAccessibleAsync(page, name);
            checkedPages.Add(name);
        }

        await page.GotoAsync($"/s/{token}");
        await AuditAsync("start");
        await page.GotoAsync($"/s/{token}/q/1");
        await AuditAsync("question with options");
        await PressAsync(page, "Continue");
        await AuditAsync("question with an error");
        await page.GotoAsync($"/s/{token}/q/11");
        await AuditAsync("number question");
        await page.GotoAsync($"/s/{token}/check");
        await AuditAsync("check answers");
        await PressAsync(page, "Send answers");
        await AuditAsync("check answers with errors");
        await page.GotoAsync($"/s/{answered}/sent");
        await AuditAsync("answers sent");
        await page.GotoAsync($"/s/{helpNow}/sent");
        await AuditAsync("answers sent, with where to get help now");
        await page.GotoAsync($"/s/{answered}");
        await AuditAsync("already answered");
        await page.GotoAsync("/s/unknown-link");
        await AuditAsync("unknown link");
        await page.GotoAsync($"/s/{token}/q/1");
        await AnswerAsync(page, 1);
        await page.GotoAsync($"/s/{token}");
        await AuditAsync("start, coming back to saved answers");
        await page.GotoAsync($"/s/{together["phq9"]}");
        await AuditAsync("start, with the questionnaires due together");
        await page.GotoAsync($"/s/{together["gold"]}/sent");
        await AuditAsync("answers sent, offering the next questionnaire");

        Assert.That(checkedPages, Has.Count.EqualTo(13));
    }
}
