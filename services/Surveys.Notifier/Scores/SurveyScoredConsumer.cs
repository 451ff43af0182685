using MassTransit;
using Surveys.Contracts;
using Surveys.Notifier.Alerts;
using Surveys.Notifier.Data;

namespace Surveys.Notifier.Scores;

/// <summary>Adds each score to the patient's history and raises the alerts the rules call for.</summary>
public sealed partial class SurveyScoredConsumer(NotifierStore store, AlertRules rules, TimeProvider time, ILogger<SurveyScoredConsumer> logger) : IConsumer<SurveyScored>
{
    public async Task Consume(ConsumeContext<SurveyScored> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        var recorded = await store.RecordScoreAsync(context.Message, Decide, now, context.CancellationToken);
        if (!recorded)
        {
            LogDuplicate(logger, context.Message.SubmissionId);
        }

        IReadOnlyList<PatientAlertRaised> Decide(SurveyScored scored) => rules.Evaluate(scored)
            .Select(c => new PatientAlertRaised(
                Guid.NewGuid(), scored.PatientId, scored.SubmissionId, scored.Instrument, scored.DefinitionVersion, c.Rule, c.Severity, c.Reason, now))
            .ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Score for submission {SubmissionId} already recorded; duplicate delivery ignored")]
    private static partial void LogDuplicate(ILogger logger, Guid submissionId);
}
