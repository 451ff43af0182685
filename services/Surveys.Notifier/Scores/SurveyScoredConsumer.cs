using MassTransit;
using Surveys.Contracts;
using Surveys.Notifier.Alerts;
using Surveys.Hosting.Observability;

namespace Surveys.Notifier.Scores;

/// <summary>Adds each score to the patient's history and raises or updates the alerts the rules call for.</summary>
public sealed partial class SurveyScoredConsumer(ScoreHistoryStore store, AlertRules rules, ILogger<SurveyScoredConsumer> logger) : IConsumer<SurveyScored>
{
    public async Task Consume(ConsumeContext<SurveyScored> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (!await store.RecordScoreAsync(context.Message, rules, context.CancellationToken))
        {
            LogDuplicate(logger, context.Message.SubmissionId);
            return;
        }

        // Alerts are raised in the same transaction as the history row, so "notified" is also submitted -> alert raised.
        SurveysMetrics.Stage("notifier", System.Diagnostics.Stopwatch.GetElapsedTime(started));
        SurveysMetrics.SinceSubmission("notified", context.Message.SubmittedAt, DateTimeOffset.UtcNow);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Score for submission {SubmissionId} already recorded; duplicate delivery ignored")]
    private static partial void LogDuplicate(ILogger logger, Guid submissionId);
}
