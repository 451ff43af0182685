using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Surveys.Data;
using Surveys.Hosting;

namespace Surveys.Data.Outbox;

public static class OutboxRegistration
{
    /// <summary>Adds the outbox table to the service's database and the relay that publishes it.</summary>
    public static IHostApplicationBuilder AddOutbox(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new MigrationModule("outbox", typeof(MessageOutbox).Assembly, "migrations/outbox/"));
        builder.Services.AddSingleton<MessageOutbox>();
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox")
            .Validate(o => o.PublishTimeout > TimeSpan.Zero && o.PublishTimeout <= TimeSpan.FromHours(1), "Outbox:PublishTimeout must be more than 0 and at most 1 hour.")
            .Validate(o => o.StallAfter > o.PublishTimeout && o.StallAfter <= TimeSpan.FromDays(1), "Outbox:StallAfter must be more than Outbox:PublishTimeout and at most 1 day.").ValidateOnStart();
        builder.Services.AddHeartbeats();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddSingleton<OutboxHealthCheck>();
        builder.Services.AddSingleton<OutboxMetrics>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxMetrics>());
        builder.Services.AddHealthChecks().AddCheck<OutboxHealthCheck>("outbox", tags: ["ready"]);
        return builder;
    }
}
