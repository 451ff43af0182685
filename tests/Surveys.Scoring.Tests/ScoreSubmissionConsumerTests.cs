using MassTransit;
using MassTransit.Testing;
using Surveys.Contracts;
using Surveys.Testing;

namespace Surveys.Scoring.Tests;

/// <summary>
/// The scoring worker as it runs (its Program: store, outbox, consumer) on MassTransit's in-memory test harness: each
/// submission scored with the definition version it was answered on, announced once through the outbox, faults named.
/// </summary>
public class ScoreSubmissionConsumerTests
{
    private ServiceFactory<Program> _host = null!;

    [SetUp]
    public void Start() => _host = new ServiceFactory<Program>().Start();

    [TearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    /// <summary>Waits (up to 30 s) until <paramref name="expected"/> messages were consumed; returns how many were.</summary>
    private async Task<int> CountConsumedAsync<T>(int expected)
        where T : class =>
        await Eventually.ReadAsync(() => Task.FromResult(_host.Harness.Consumed.Select<T>().Count()), n => n >= expected, TimeSpan.FromSeconds(30));

    private static SurveySubmitted Phq9(params int[] answers) => new(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "phq9", "1.0.0",
        answers.Select((a, i) => (Key: (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Value: (decimal?)a)).ToDictionary(p => p.Key, p => p.Value),
        DateTimeOffset.UtcNow);

    [Test]
    public async Task Scores_a_phq9_and_publishes_the_result_through_the_outbox()
    {
        var submitted = Phq9(1, 1, 0, 1, 0, 0, 0, 0, 1);

        await _host.Harness.Bus.Publish(submitted);

        Assert.That(await _host.PublishedAsync<SurveyScored>(m => m.SubmissionId == submitted.SubmissionId), Is.Not.Null, "announced through the outbox");
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

        Assert.That(await CountConsumedAsync<SurveySubmitted>(2), Is.EqualTo(2));
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

        Assert.That(await _host.PublishedAsync<Fault<SurveySubmitted>>(_ => true), Is.Not.Null, "a fault is published");
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

        Assert.That(await _host.PublishedAsync<Fault<SurveySubmitted>>(_ => true), Is.Not.Null, "a fault is published");
        var message = _host.Harness.Published.Select<Fault<SurveySubmitted>>().First().Context.Message.Exceptions[0].Message;
        Assert.That(message, Does.Contain("items: 3"));
        Assert.That(message, Does.Not.Contain("7"));
    }
}
