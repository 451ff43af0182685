using MassTransit;
using Surveys.Contracts;

namespace Surveys.Intake.Submissions;

/// <summary>Records that a submission was scored, so its status can say so. Idempotent.</summary>
public sealed class SurveyScoredConsumer(SubmissionStore store) : IConsumer<SurveyScored>
{
    public Task Consume(ConsumeContext<SurveyScored> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return store.MarkScoredAsync(context.Message, context.CancellationToken);
    }
}
