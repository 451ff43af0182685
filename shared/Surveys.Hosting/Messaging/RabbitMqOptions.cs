namespace Surveys.Hosting.Messaging;

/// <summary>Broker connection. Configuration section <c>RabbitMq</c> (RabbitMq__Host, ...).</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    public string Host { get; set; } = "localhost";

    public ushort Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    public string Username { get; set; } = "guest";

    public string Password { get; set; } = "guest";

    /// <summary>
    /// The nodes of a RabbitMQ cluster (RabbitMq__ClusterNodes__0=rabbit1, ...), "host" or "host:port": the bus
    /// connects to one and moves to another when it goes away. Empty for a single broker at <see cref="Host"/>.
    /// </summary>
    public string[] ClusterNodes { get; set; } = [];

    /// <summary>The broker's management HTTP API, for the operator page (RabbitMq__ManagementUrl).</summary>
    public Uri ManagementUrl { get; set; } = new("http://127.0.0.1:15672/");

    /// <summary>
    /// Messages handled at once per queue. SQLite has one writer, but it commits everything waiting in one
    /// transaction (group commit, see Db.WriteAsync): the more consumers wait on it, the fewer disk syncs
    /// each message costs. docs/benchmarks.md has the figures behind the default.
    /// </summary>
    public int ConcurrentMessageLimit { get; set; } = 64;

    /// <summary>
    /// Deliveries of one message before the quorum queue moves it to the error queue (a message that
    /// crashes its consumer). Part of the queue's declaration: choose it before the first run.
    /// </summary>
    public int DeliveryLimit { get; set; } = 10;

    /// <summary>Messages the broker hands a consumer ahead of time: twice the concurrency, so a batch never waits on the network.</summary>
    public ushort PrefetchCount { get; set; } = 128;

    /// <summary>
    /// AMQP heartbeat (RabbitMq__Heartbeat): a connection whose peer has gone silent for about twice this long is
    /// closed and recovered. 10 s rather than the client's 60 s, so a broker node that died without closing its
    /// sockets (SIGKILL, a lost host) is noticed in about 20 s, not 2 minutes.
    /// </summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long opening a connection may take before the attempt fails and is retried (RabbitMq__ConnectionTimeout).</summary>
    public TimeSpan ConnectionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one AMQP command (declare, bind, open a channel) may wait for the broker's answer (RabbitMq__ContinuationTimeout).</summary>
    public TimeSpan ContinuationTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
