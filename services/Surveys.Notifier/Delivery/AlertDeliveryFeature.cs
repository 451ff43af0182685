using Surveys.Notifier.Inbox;
using Microsoft.Extensions.Options;
using Surveys.Notifier.Data;
using Surveys.ServiceDefaults.Security;

namespace Surveys.Notifier.Delivery;

/// <summary>
/// Delivery and escalation of alerts: urgent and high alerts go at once to the first contact level (e-mail over SMTP,
/// a signed webhook, or the development outbox), then to the next level when nobody acknowledged in time; routine
/// alerts go into a daily digest. See docs/nurses.md.
/// </summary>
public static class AlertDeliveryFeature
{
    public static IHostApplicationBuilder AddAlertDelivery(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        // Checked before anything starts: outside Development, a service whose urgent alerts would reach nobody does not start.
        services.AddOptions<AlertingOptions>().BindConfiguration(AlertingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertingOptions>, AlertingOptionsCheck>();
        services.AddOptions<NotifierOptions>().BindConfiguration(NotifierOptions.Section); // links to the inbox in messages
        services.AddSingleton<AlertDeliverySignal>();
        services.AddSingleton<AlertDeliveryStore>();
        services.AddHttpClient(AlertWebhooks.ClientName);
        services.AddSingleton<AlertWebhooks>();
        services.AddSingleton<AlertDeliveryProcessor>();
        services.AddHostedService<AlertDeliveryLoop>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAlertDelivery(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            return app; // /dev/* exists only in Development
        }

        app.MapGet("/dev/alert-outbox", AlertDevOutboxPage.Show)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Nurse, Roles.Admin))
            .ExcludeFromDescription();
        return app;
    }
}
