using Surveys.Instruments;
using Surveys.Intake;
using Surveys.Intake.Survey;

namespace Surveys.UnitTests.Survey;

/// <summary>
/// What the survey pages tell patients about reaching people (the browser tests in SurveyPageTests show it on the
/// pages): which answers call for the "what to do now" warning, and what it says when a clinic set nothing.
/// </summary>
public class PatientHelpTests
{
    private static readonly ScoringEngine Engine = new(InstrumentCatalog.LoadEmbedded());

    private static bool NeedsHelpNow(string instrument, Dictionary<string, decimal?> answers) =>
        PatientHelp.NeedsHelpNow(Engine, Engine.Catalog.Find(instrument, "1.0.0")!, answers);

    private static Dictionary<string, decimal?> Diary(params (string Item, decimal Value)[] changes)
    {
        var answers = Enumerable.Range(1, 12).ToDictionary(i => $"{i}", _ => (decimal?)0);
        foreach (var (item, value) in changes)
        {
            answers[item] = value;
        }

        return answers;
    }

    private static Task<AngleSharp.Dom.IDocument> WarningAsync(IntakeOptions clinic) =>
        PageRender.RenderAsync<HelpNowWarning>(new() { [nameof(HelpNowWarning.Text)] = PageText.English, [nameof(HelpNowWarning.Clinic)] = clinic });

    private static Task<AngleSharp.Dom.IDocument> NoticeAsync(IntakeOptions clinic) =>
        PageRender.RenderAsync<ReadingNotice>(new() { [nameof(ReadingNotice.Text)] = PageText.English, [nameof(ReadingNotice.Clinic)] = clinic });

    [Test]
    public void A_patient_reporting_a_severe_hypo_or_a_dka_warning_in_the_diary_is_told_where_to_get_help_now()
    {
        Assert.That(NeedsHelpNow("t1d_diary", Diary(("12", 1))), Is.True, "a low that needed another person's help: severe_hypo");
        Assert.That(NeedsHelpNow("t1d_diary", Diary(("5", 3))), Is.True, "severe vomiting: dka_warning");
        Assert.That(NeedsHelpNow("t1d_diary", Diary(("1", 2), ("11", 3))), Is.False, "nothing the diary alerts on");
    }

    [Test]
    public void A_patient_who_answers_phq9_item_9_at_all_is_told_where_to_get_help_now_even_with_other_items_missing()
    {
        Assert.That(NeedsHelpNow("phq9", new() { ["9"] = 1 }), Is.True);
        Assert.That(NeedsHelpNow("phq9", Enumerable.Range(1, 9).ToDictionary(i => $"{i}", i => (decimal?)(i == 9 ? 0 : 3))), Is.False, "a severe total alone is not a critical finding");
    }

    [Test]
    public async Task A_clinic_that_set_no_numbers_gives_generic_directions_and_never_a_made_up_number()
    {
        var warning = await WarningAsync(new IntakeOptions());
        var notice = await NoticeAsync(new IntakeOptions());

        Assert.That(PageRender.MainText(warning), Does.Contain("Call your clinic on the number on your clinic letter.")
            .And.Contain("When your clinic is closed, call the out-of-hours number on your clinic letter.")
            .And.Contain("In an emergency, call your local emergency number (for example 999 in the UK, 112 in the EU, 911 in the US)."));
        Assert.That(warning.QuerySelectorAll("a[href^='tel:']"), Is.Empty);
        Assert.That(PageRender.MainText(notice), Does.Contain("Your answers are not read straight away. Your care team reads them on working days, so it may be a few days before anyone sees them."));
    }

    [Test]
    public async Task A_configured_number_is_encoded_and_dialled_as_its_digits()
    {
        var warning = await WarningAsync(new IntakeOptions { ClinicPhone = "+44 20 7946 0123 <b>" });
        var notice = await NoticeAsync(new IntakeOptions { ReadWithinWorkingDays = 1 });

        var link = warning.QuerySelectorAll("a[href^='tel:']")[0];
        Assert.That(link.GetAttribute("href"), Is.EqualTo("tel:+442079460123"));
        Assert.That(link.TextContent, Is.EqualTo("+44 20 7946 0123 <b>"), "shown as the text it is");
        Assert.That(warning.QuerySelectorAll("b"), Is.Empty, "no element made from the setting");
        Assert.That(PageRender.MainText(notice), Does.Contain("Your care team reads them within 1 working day."));
    }
}
