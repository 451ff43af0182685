using Surveys.Delivery;
using Surveys.Instruments;
using Surveys.Intake.Delivery;
using Surveys.Intake.Invitations;

namespace Surveys.Intake.Scheduling;

/// <summary>Enrolment, follow-up protocols, the scheduler and invitation delivery.</summary>
public static class FollowUpFeature
{
    public static IHostApplicationBuilder AddFollowUp(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddSingleton(sp => ProtocolCatalog.LoadEmbedded(sp.GetRequiredService<InstrumentCatalog>()));
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section);
        services.AddOptions<ClinicOptions>().BindConfiguration(IntakeOptions.Section);
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section)
            .Validate(o => o.Channels.Values.All(v => v.Trim().ToLowerInvariant() is SenderNames.Smtp or SenderNames.Webhook or SenderNames.Outbox),
                "Delivery:Channels values must be smtp, webhook or outbox.")
            .Validate(o => !o.Channels.Values.Any(v => string.Equals(v.Trim(), SenderNames.Smtp, StringComparison.OrdinalIgnoreCase)) || !string.IsNullOrWhiteSpace(o.Smtp.Host),
                "Delivery:Smtp:Host is required when a channel is sent by smtp.")
            .Validate(o => !o.Channels.Values.Any(v => string.Equals(v.Trim(), SenderNames.Webhook, StringComparison.OrdinalIgnoreCase))
                    || (o.Webhook.Url is not null && !string.IsNullOrEmpty(o.Webhook.Secret) && o.Webhook.Secret.Length >= 16),
                "Delivery:Webhook:Url and a Delivery:Webhook:Secret of 16+ characters are required when a channel is sent by webhook.")
            .ValidateOnStart();

        services.AddSingleton<ScheduleStore>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<FollowUpScheduler>();
        services.AddSingleton<InvitationResender>();
        services.AddHostedService<SchedulerLoop>();

        services.AddHttpClient<WebhookSender>();
        services.AddTransient<IMessageSender>(sp => sp.GetRequiredService<WebhookSender>());
        services.AddSingleton<IMessageSender>(sp => new SmtpMessageSender(() => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>().Value.Smtp));
        services.AddSingleton<DevOutboxSender>();
        services.AddSingleton<IMessageSender>(sp => sp.GetRequiredService<DevOutboxSender>());
        services.AddScoped<DeliveryProcessor>();
        services.AddHostedService<DeliveryLoop>();
        return builder;
    }

    public static IEndpointRouteBuilder MapFollowUp(this IEndpointRouteBuilder app)
    {
        app.MapDevOutboxApi();
        return app;
    }
}
