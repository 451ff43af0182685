using Microsoft.Extensions.Options;
using Surveys.Contracts;
using Surveys.Notifier.Alerts;
using Surveys.Delivery;
using Surveys.Data.Audit;
using Surveys.Web.Security;

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
        services.AddOptions<NotifierOptions>().BindConfiguration(NotifierOptions.Section); // links to the staff portal's alerts in messages
        services.AddSingleton<AlertDeliverySignal>();
        builder.AddDelivery<AlertingOptions>(); // the shared queue and senders; texts hold no patient data, so the outbox keeps them as they are
        services.AddSingleton<AlertDeliveryStore>();
        services.AddSingleton<AlertDeliveryProcessor>();
        services.AddHostedService<AlertDeliveryLoop>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAlertDelivery(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            return app; // the development outbox exists only in Development
        }

        // The alert messages that would have been sent, newest first: for the portal's development outbox page and tests.
        app.MapGet("/api/dev/alert-outbox", async (DevelopmentOutboxSender outbox, AuditLog audit, HttpContext context, CancellationToken ct) =>
            {
                var entries = await outbox.ReadAsync(200, ct);
                await audit.RecordAsync(context, "alert_outbox_view", $"messages={entries.Count}");
                return TypedResults.Ok(entries.Select(e => new DevelopmentOutboxMessage(e.CreatedAt, e.Channel, e.Recipient, e.Subject, e.Text)).ToList());
            })
            .RequireAuthorization(policy => policy.RequireRole(Roles.Nurse, Roles.Admin))
            .WithTags("Development")
            .WithSummary("Development only: the alert messages that would have been sent to staff, newest first (at most 200).");
        return app;
    }
}
