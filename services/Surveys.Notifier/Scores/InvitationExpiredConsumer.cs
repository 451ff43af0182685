using MassTransit;
using Surveys.Contracts;

namespace Surveys.Notifier.Scores;

/// <summary>Counts scheduled surveys that closed unanswered, for the missed-surveys rule. Idempotent.</summary>
public sealed class InvitationExpiredConsumer(ScoreHistoryStore store) : IConsumer<InvitationExpired>
{
    public Task Consume(ConsumeContext<InvitationExpired> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return store.RecordMissedAsync(context.Message, context.CancellationToken);
    }
}
