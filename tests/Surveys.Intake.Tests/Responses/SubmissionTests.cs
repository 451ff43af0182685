using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Contracts;

namespace Surveys.Intake.Tests.Responses;

/// <summary>
/// A patient's answers are stored and published once, through intake's outbox, on the bus (here MassTransit's in-memory
/// test harness, which replaces RabbitMQ); a score that comes back is recorded and shows in the submission's status.
/// </summary>
public class SubmissionTests
{
    private IntakeFactory _intake = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _intake = await IntakeFactory.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _intake.DisposeAsync();

    [Test]
    public void The_bus_is_the_in_memory_harness_not_rabbitmq()
    {
        var bus = _intake.Services.GetRequiredService<IBus>();

        Assert.That(bus.Address.Scheme, Is.EqualTo("loopback"), "AddMassTransitTestHarness replaced AddSurveysBus's RabbitMQ transport");
        Assert.That(_intake.Harness.Bus, Is.SameAs(bus));
    }

    [Test]
    public async Task An_accepted_submission_is_published_once_with_its_answers_and_its_status_follows_the_score()
    {
        var patientId = await _intake.CreatePatientAsync();
        var token = await _intake.InviteAsync(patientId, "phq9");
        var answers = Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i == 9 ? 2 : 1);

        var submissionId = await _intake.SubmitAsync(token, answers);

        var submitted = await _intake.PublishedSubmissionAsync(m => m.SubmissionId == submissionId);
        var published = await Eventually.ReadAsync(StageAsync(submissionId), s => s == "published", TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(submitted.PatientId, Is.EqualTo(patientId));
            Assert.That(submitted.Instrument, Is.EqualTo("phq9"));
            Assert.That(submitted.DefinitionVersion, Is.Not.Empty);
            Assert.That(submitted.Answers, Is.EquivalentTo(answers.ToDictionary(a => a.Key, a => (decimal?)a.Value)));
            Assert.That(published, Is.EqualTo("published"), "the outbox row was marked sent");
            Assert.That(_intake.Harness.Published.Select<SurveySubmitted>().Count(m => m.Context.Message.SubmissionId == submissionId), Is.EqualTo(1), "published once");
        });

        var scored = await _intake.ScoreAsync(submitted);
        var status = await Eventually.ReadAsync(
            async () => (await _intake.Admin.GetFromJsonAsync<JsonObject>($"/api/responses/{submissionId}"))!,
            s => s["status"]!.GetValue<string>() == "scored", TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(scored.Total, Is.EqualTo(10m));
            Assert.That(status["status"]!.GetValue<string>(), Is.EqualTo("scored"));
            Assert.That(status["scoreStatus"]!.GetValue<string>(), Is.EqualTo("scored"));
            Assert.That(status["scoredAt"], Is.Not.Null);
        });
    }

    [Test]
    public async Task A_refused_submission_publishes_nothing()
    {
        var patientId = await _intake.CreatePatientAsync();
        var token = await _intake.InviteAsync(patientId, "phq9");

        var refused = await _intake.Patient.PostAsJsonAsync("/api/responses", new { token, answers = new Dictionary<string, int> { ["1"] = 7 } });
        var later = await _intake.SubmitAsync(token, Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 0));

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var submitted = await _intake.PublishedSubmissionAsync(m => m.PatientId == patientId);
        Assert.Multiple(() =>
        {
            Assert.That(submitted.SubmissionId, Is.EqualTo(later), "the accepted one is published");
            Assert.That(_intake.Harness.Published.Select<SurveySubmitted>().Count(m => m.Context.Message.PatientId == patientId), Is.EqualTo(1), "the refused one is not");
        });
    }

    private Func<Task<string>> StageAsync(Guid submissionId) =>
        async () => (await _intake.Admin.GetFromJsonAsync<JsonObject>($"/api/responses/{submissionId}"))!["status"]!.GetValue<string>();
}
