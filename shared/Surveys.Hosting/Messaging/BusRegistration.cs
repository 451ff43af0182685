using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Surveys.Hosting.Messaging;

public static class BusRegistration
{
    /// <summary>
    /// The one bus set-up every service uses: RabbitMQ, queues named "{service}-{consumer}" in kebab
    /// case, durable quorum queues (also for the error and skipped queues), a concurrency limit that
    /// suits SQLite's single writer, and short in-memory retries for transient faults before a message
    /// goes to its error queue. No delayed redelivery: our broker has no delayed-message plugin.
    /// </summary>
    public static IHostApplicationBuilder AddSurveysBus(this IHostApplicationBuilder builder, string serviceName, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>() ?? new RabbitMqOptions();

        builder.Services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, false));
            consumers?.Invoke(bus);

            bus.AddConfigureEndpointsCallback((_, queue, endpoint) =>
            {
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.SetQuorumQueue();
                    rabbit.PrefetchCount = options.PrefetchCount;

                    // A message that keeps crashing the consumer (the process dies before it can ack) is
                    // dead-lettered to the queue's error queue after DeliveryLimit deliveries, not retried forever
                    // and not dropped. Both arguments are fixed at the queue's first declaration.
                    rabbit.SetQueueArgument("x-delivery-limit", options.DeliveryLimit);
                    rabbit.BindDeadLetterQueue($"{queue}_error", $"{queue}_error", q => AsPlainQuorumQueue(q));
                }

                endpoint.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Ignore<UnprocessableMessageException>();
                    retry.Intervals(100, 500, 2000);
                });
            });

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(options.Host, options.Port, options.VirtualHost, host =>
                {
                    host.Username(options.Username);
                    host.Password(options.Password);
                    host.PublisherConfirmation = true;

                    // Deliberate settings for a broker node restart (docs/reliability.md, "Broker connection"); each
                    // publish also has a time limit of its own (Outbox:PublishTimeout).
                    host.Heartbeat(options.Heartbeat);
                    host.RequestedConnectionTimeout(options.ConnectionTimeout);
                    host.ContinuationTimeout(options.ContinuationTimeout);
                    if (options.ClusterNodes.Length > 0)
                    {
                        host.UseCluster(cluster =>
                        {
                            foreach (var node in options.ClusterNodes)
                            {
                                cluster.Node(node);
                            }
                        });
                    }
                });
                rabbit.SendTopology.ConfigureErrorSettings = settings => AsPlainQuorumQueue(settings);
                rabbit.SendTopology.ConfigureDeadLetterSettings = settings => AsPlainQuorumQueue(settings);
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.Configure<MassTransitHostOptions>(host =>
        {
            host.WaitUntilStarted = false;
            host.StopTimeout = TimeSpan.FromSeconds(15);
        });
        return builder;
    }

    /// <summary>
    /// Error and skipped queues are quorum queues without the endpoint's delivery limit and dead-letter
    /// exchange (MassTransit copies the endpoint queue's arguments to them otherwise), declared the same
    /// way wherever they are declared.
    /// </summary>
    private static void AsPlainQuorumQueue(IRabbitMqQueueConfigurator queue)
    {
        queue.SetQueueArgument("x-queue-type", "quorum");
        queue.SetQueueArgument("x-delivery-limit", null);
        queue.SetQueueArgument("x-dead-letter-exchange", null);
    }
}
