using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Surveys.Data;

namespace Surveys.Delivery;

public static class DeliveryRegistration
{
    /// <summary>The delivery module's tables (<c>delivery_messages</c>, <c>delivery_dev_outbox</c>), migrated as module <c>delivery</c>.</summary>
    public static readonly MigrationModule Migrations = new("delivery", typeof(Deliveries).Assembly, "migrations/delivery/");

    /// <summary>
    /// The delivery module for a service whose settings (<typeparamref name="TOptions"/>, bound by the service) have the one
    /// <see cref="DeliveryOptions"/> shape: its tables (migrated as module <c>delivery</c>), the queue, and the senders
    /// (SMTP, webhook, and in Development only the development outbox, whose texts a registered
    /// <see cref="IOutboxTextProtector"/> protects).
    /// </summary>
    public static IHostApplicationBuilder AddDelivery<TOptions>(this IHostApplicationBuilder builder)
        where TOptions : DeliveryOptions
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton(Migrations);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Deliveries>();
        services.TryAddSingleton(new NetworkClock(TimeProvider.System));
        services.AddHttpClient(WebhookMessageSender.ClientName);
        services.AddSingleton<IMessageSender>(sp => new SmtpMessageSender(() => sp.GetRequiredService<IOptions<TOptions>>().Value.Smtp));
        services.AddSingleton<IMessageSender>(sp => ActivatorUtilities.CreateInstance<WebhookMessageSender>(
            sp, (Func<SignedWebhookOptions>)(() => sp.GetRequiredService<IOptions<TOptions>>().Value.Webhook)));
        if (DevelopmentOutbox.Allowed(builder.Environment))
        {
            services.AddSingleton(sp => new DevelopmentOutboxSender(sp.GetRequiredService<Db>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IOutboxTextProtector>()));
            services.AddSingleton<IMessageSender>(sp => sp.GetRequiredService<DevelopmentOutboxSender>());
        }

        services.AddSingleton<MessageSenders>();
        return builder;
    }
}
