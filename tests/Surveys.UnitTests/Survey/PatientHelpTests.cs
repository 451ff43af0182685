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
        var warning = await PatientHelp.WarningAsync(PageText.English, new IntakeOptions());
        var notice = await PatientHelp.NoticeAsync(PageText.English, new IntakeOptions());

        Assert.That(warning, Does.Contain("Call your clinic on the number on your clinic letter.")
            .And.Contain("When your clinic is closed, call the out-of-hours number on your clinic letter.")
            .And.Contain("In an emergency, call your local emergency number (for example 999 in the UK, 112 in the EU, 911 in the US).")
            .And.Not.Contain("tel:"));
        Assert.That(notice, Does.Contain("Your answers are not read straight away. Your care team reads them on working days, so it may be a few days before anyone sees them."));
    }

    [Test]
    public async Task A_configured_number_is_encoded_and_dialled_as_its_digits()
    {
        var warning = await PatientHelp.WarningAsync(PageText.English, new IntakeOptions { ClinicPhone = "+44 20 7946 0123 <b>" });
        var notice = await PatientHelp.NoticeAsync(PageText.English, new IntakeOptions { ReadWithinWorkingDays = 1 });

        Assert.That(warning, Does.Contain("<a href=\"tel:&#x2B;442079460123\">&#x2B;44 20 7946 0123 &lt;b&gt;</a>").And.Not.Contain("<b>"));
        Assert.That(notice, Does.Contain("Your care team reads them within 1 working day."));
    }
}
