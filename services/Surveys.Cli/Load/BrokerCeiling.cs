using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Surveys.Cli.Commands;
using Surveys.Operations;

namespace Surveys.Cli.Load;

/// <summary>What the broker alone managed: messages a second through two hops, and how long it took.</summary>
public sealed record CeilingResult(int Messages, int MessageBytes, double Seconds, double MessagesPerSecond);

/// <summary>
/// The physical ceiling the pipeline is compared with: raw RabbitMQ.Client on the same broker and virtual host,
/// the same number of messages of the same size, every guarantee the pipeline has — durable quorum queues,
/// persistent messages, publisher confirms, manual acknowledgements — over two hops (publish to A; a relay
/// consumes A, publishes to B and acknowledges A once B confirmed; a sink consumes and acknowledges B).
/// No database, no serialisation, no HTTP: only the broker's own cost.
/// </summary>
public static class BrokerCeiling
{
    private const int Window = 256;

    public static async Task<CeilingResult> MeasureAsync(BrokerSettings broker, int messages, int messageBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var factory = broker.ConnectionFactory("surveys load ceiling");
        factory.ConsumerDispatchConcurrency = 32;
        var run = Guid.NewGuid().ToString("N")[..8];
        var (hopA, hopB) = ($"surveys-load-ceiling-{run}-a", $"surveys-load-ceiling-{run}-b");
        var quorum = new Dictionary<string, object?> { ["x-queue-type"] = "quorum" };
        // Each publish waits for its own confirm; the window below bounds how many are outstanding. The client's
        // default throttle (a rate limiter on outstanding confirms) is switched off: it caps a channel near 1,000/s.
        var confirms = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null);

        await using var connection = await factory.CreateConnectionAsync(ct);
        await using var setup = await connection.CreateChannelAsync(cancellationToken: ct);
        await setup.QueueDeclareAsync(hopA, durable: true, exclusive: false, autoDelete: false, quorum, cancellationToken: ct);
        await setup.QueueDeclareAsync(hopB, durable: true, exclusive: false, autoDelete: false, quorum, cancellationToken: ct);
        try
        {
            var body = new byte[messageBytes];
            Random.Shared.NextBytes(body);
            var properties = new BasicProperties { Persistent = true, ContentType = "application/octet-stream" };
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var sunk = 0;

            // The relay consumes on one channel and publishes on another: awaiting a confirm on the channel whose
            // consumer callback is running holds that channel's dispatch, and the hop then crawls.
            await using var relay = await connection.CreateChannelAsync(cancellationToken: ct);
            await using var relayPublisher = await connection.CreateChannelAsync(confirms, ct);
            await relay.BasicQosAsync(0, Window, false, ct);
            var relayConsumer = new AsyncEventingBasicConsumer(relay);
            relayConsumer.ReceivedAsync += async (_, delivery) =>
            {
                await relayPublisher.BasicPublishAsync(string.Empty, hopB, mandatory: false, properties, delivery.Body, ct);
                await relay.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
            };

            await using var sink = await connection.CreateChannelAsync(cancellationToken: ct);
            await sink.BasicQosAsync(0, Window, false, ct);
            var sinkConsumer = new AsyncEventingBasicConsumer(sink);
            sinkConsumer.ReceivedAsync += async (_, delivery) =>
            {
                await sink.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
                if (Interlocked.Increment(ref sunk) == messages)
                {
                    done.TrySetResult();
                }
            };

            await relay.BasicConsumeAsync(hopA, autoAck: false, relayConsumer, ct);
            await sink.BasicConsumeAsync(hopB, autoAck: false, sinkConsumer, ct);

            await using var publisher = await connection.CreateChannelAsync(confirms, ct);
            var clock = Stopwatch.StartNew();
            using var window = new SemaphoreSlim(Window);
            var publishes = new List<Task>(messages);
            for (var i = 0; i < messages; i++)
            {
                await window.WaitAsync(ct);
                publishes.Add(PublishAsync(publisher, hopA, properties, body, window, ct));
            }

            await Task.WhenAll(publishes);
            await done.Task.WaitAsync(TimeSpan.FromMinutes(10), ct);
            var seconds = clock.Elapsed.TotalSeconds;
            return new CeilingResult(messages, messageBytes, seconds, messages / seconds);
        }
        finally
        {
            await setup.QueueDeleteAsync(hopA, cancellationToken: CancellationToken.None);
            await setup.QueueDeleteAsync(hopB, cancellationToken: CancellationToken.None);
        }
    }

    private static async Task PublishAsync(IChannel channel, string queue, BasicProperties properties, byte[] body, SemaphoreSlim window, CancellationToken ct)
    {
        try
        {
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, body, ct);
        }
        finally
        {
            window.Release();
        }
    }
}
