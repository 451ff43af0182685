namespace Surveys.ServiceDefaults.Outbox;

/// <summary>The outbox relay's settings (section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>
    /// How long one publish may wait for the broker's confirm before it is given up and tried again (the row id is the
    /// message id, so a duplicate is harmless downstream). RabbitMQ.Client 7.2.2 can wait for ever for a confirm after
    /// a broker node restart; without this limit one such publish held the relay's whole batch, and the relay, for good.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
