using MassTransit;
using Surveys.Contracts;
using Surveys.Instruments;
using Surveys.Hosting.Messaging;
using Surveys.Hosting.Observability;

namespace Surveys.Scoring.Scoring;

/// <summary>Scores each submission with the instrument definition version it was answered on.</summary>
public sealed partial class ScoreSubmissionConsumer(
    InstrumentCatalog catalog, ScoringEngine engine, ScoreStore store, TimeProvider time, ILogger<ScoreSubmissionConsumer> logger) : IConsumer<SurveySubmitted>
{
    public async Task Consume(ConsumeContext<SurveySubmitted> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var submitted = context.Message;
        var started = time.GetTimestamp();
        if (catalog.Find(submitted.Instrument, submitted.DefinitionVersion) is null)
        {
            throw new UnprocessableMessageException(
                $"Unknown instrument '{submitted.Instrument}' version '{submitted.DefinitionVersion}': no definition of that id and version is loaded.");
        }

        var result = engine.Score(submitted.Instrument, submitted.Answers, submitted.DefinitionVersion);
        if (result.Status == ScoreStatus.Invalid)
        {
            // Name the items, never the answers: this text travels in fault headers.
            var items = string.Join(", ", result.Errors.Select(e => e.Item ?? "?").Distinct());
            throw new UnprocessableMessageException(
                $"Answers do not fit {submitted.Instrument} version {submitted.DefinitionVersion} (items: {items}).");
        }

        var scored = new SurveyScored(
            submitted.SubmissionId,
            submitted.PatientId,
            submitted.Instrument,
            submitted.DefinitionVersion,
            result.Status == ScoreStatus.Scored ? "scored" : "incomplete",
            result.Total,
            result.Band,
            result.Prorated,
            result.Flags,
            result.Subscores,
            result.ItemGrades,
            submitted.SubmittedAt,
            time.GetUtcNow(),
            submitted.Answers);

        if (!await store.SaveAsync(scored, result, context.CancellationToken))
        {
            LogDuplicate(logger, submitted.SubmissionId);
            return;
        }

        SurveysMetrics.Scored(scored.Instrument, scored.Status);
        SurveysMetrics.Stage("scoring", time.GetElapsedTime(started));
        SurveysMetrics.SinceSubmission("scored", submitted.SubmittedAt, time.GetUtcNow());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission {SubmissionId} was already scored; duplicate delivery ignored")]
    private static partial void LogDuplicate(ILogger logger, Guid submissionId);
}
