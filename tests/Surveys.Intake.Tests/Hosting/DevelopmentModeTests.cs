namespace Surveys.Intake.Tests.Hosting;

/// <summary>
/// Hole 5 of issue 18, intake's part (moved from the system suite's DevelopmentModeTests; the portal's pages are checked
/// in tests/Surveys.Portal.Tests): in Development, where messages go to the development outboxes, a patient's page says so.
/// </summary>
public class DevelopmentModeTests
{
    public const string Banner = "Development: messages are not sent";

    [Test]
    public async Task Every_page_in_development_says_messages_are_not_sent()
    {
        await using var intake = await IntakeFactory.StartAsync();
        var token = await intake.NewInvitationAsync("phq9");

        var survey = await intake.Patient.GetStringAsync(new Uri($"/s/{token}", UriKind.Relative));
        var question = await intake.Patient.GetStringAsync(new Uri($"/s/{token}/q/1", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(survey, Does.Contain(Banner), "patient's survey");
            Assert.That(question, Does.Contain(Banner), "a question of it");
        });
    }
}
