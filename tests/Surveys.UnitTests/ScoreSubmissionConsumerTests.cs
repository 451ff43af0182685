using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Contracts;
using Surveys.Scoring.Data;
using Surveys.Scoring.Scoring;
using Surveys.Data;
using Surveys.Instruments;
using Surveys.Data.Outbox;

namespace Surveys.UnitTests;

public class ScoreSubmissionConsumerTests
{
    private HarnessHost _host = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _host = await HarnessHost.StartAsync(
            "Surveys.Scoring",
            builder =>
            {
                builder.AddStore("scoring.db", typeof(ScoreStore).Assembly);
                builder.AddOutbox();
                builder.AddInstruments();
                builder.Services.AddSingleton<ScoreStore>();
            },
            bus => bus.AddConsumer<ScoreSubmissionConsumer>());
    }

    [TearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    private static SurveySubmitted Phq9(params int[] answers) => new(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "phq9", "1.0.0",
        answers.Select((a, i) => (Key: (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Value: (decimal?)a)).ToDictionary(p => p.Key, p => p.Value),
        DateTimeOffset.UtcNow);

    [Test]
    public async Task Scores_a_phq9_and_publishes_the_result_through_the_outbox()
    {
        var submitted = Phq9(1, 1, 0, 1, 0, 0, 0, 0, 1);

        await _host.Harness.Bus.Publish(submitted);

        Assert.That(await _host.Harness.Published.Any<SurveyScored>(x => x.Context.Message.SubmissionId == submitted.SubmissionId), Is.True);
        var scored = _host.Harness.Published.Select<SurveyScored>().Single(x => x.Context.Message.SubmissionId == submitted.SubmissionId).Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(scored.Status, Is.EqualTo("scored"));
            Assert.That(scored.Total, Is.EqualTo(4));
            Assert.That(scored.Band, Is.EqualTo("minimal"));
            Assert.That(scored.Flags, Does.Contain("self_harm_risk"));
            Assert.That(scored.PatientId, Is.EqualTo(submitted.PatientId));
            Assert.That(scored.DefinitionVersion, Is.EqualTo("1.0.0"));
        });
    }

    [Test]
    public async Task A_redelivered_submission_is_scored_and_announced_once()
    {
        var submitted = Phq9(3, 3, 3, 3, 3, 3, 3, 3, 0);

        await _host.Harness.Bus.Publish(submitted);
        await _host.Harness.Bus.Publish(submitted);

        Assert.That(await _host.CountConsumedAsync<SurveySubmitted>(2), Is.EqualTo(2));
        Assert.Multiple(async () =>
        {
            Assert.That(await _host.CountAsync("SELECT COUNT(*) FROM scores WHERE submission_id = @id", new { id = submitted.SubmissionId.ToString() }), Is.EqualTo(1));
            Assert.That(await _host.CountAsync("SELECT COUNT(*) FROM outbox WHERE message_type = 'SurveyScored'"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task An_unknown_definition_version_is_a_fault_with_a_clear_reason()
    {
        var submitted = Phq9(0, 0, 0, 0, 0, 0, 0, 0, 0) with { DefinitionVersion = "9.9.9" };

        await _host.Harness.Bus.Publish(submitted);

        Assert.That(await _host.Harness.Published.Any<Fault<SurveySubmitted>>(), Is.True);
        var fault = _host.Harness.Published.Select<Fault<SurveySubmitted>>().First().Context.Message;
        Assert.That(fault.Exceptions[0].Message, Does.Contain("Unknown instrument 'phq9' version '9.9.9'"));
        Assert.That(await _host.CountAsync("SELECT COUNT(*) FROM scores"), Is.Zero);
    }

    [Test]
    public async Task Answers_that_do_not_fit_are_a_fault_that_names_items_but_not_values()
    {
        var submitted = Phq9(0, 0, 0, 0, 0, 0, 0, 0, 0);
        submitted = submitted with { Answers = new Dictionary<string, decimal?>(submitted.Answers) { ["3"] = 7 } };

        await _host.Harness.Bus.Publish(submitted);

        Assert.That(await _host.Harness.Published.Any<Fault<SurveySubmitted>>(), Is.True);
        var message = _host.Harness.Published.Select<Fault<SurveySubmitted>>().First().Context.Message.Exceptions[0].Message;
        Assert.That(message, Does.Contain("items: 3"));
        Assert.That(message, Does.Not.Contain("7"));
    }
}
