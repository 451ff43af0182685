namespace Surveys.Data.Outbox;

/// <summary>The outbox relay's settings (section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>
    /// How long one publish may wait for the broker's confirm before it is given up and tried again (the row id is the
    /// message id, so a duplicate is harmless downstream). RabbitMQ.Client 7.2.2 can wait for ever for a confirm after
    /// a broker node restart; without this limit one such publish held the relay's whole batch, and the relay, for good.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Rows waiting and no publish confirmed for this long: the relay is stalled (readiness 503, the gauge
    /// <c>surveys.background.stalled</c>, a problem on <c>/ops</c> and in <c>surveys status</c>). Also true while the
    /// broker is away for longer; the relay goes on trying either way.
    /// </summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromMinutes(1);
}
