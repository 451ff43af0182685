using Surveys.Delivery;
using Surveys.Intake.Invitations;

namespace Surveys.Intake.Delivery;

/// <summary>
/// Invitation delivery: messages to patients (a new link, a reminder; one per contact channel and visit) on the shared
/// delivery module (<see cref="Deliveries"/>, its senders and its development outbox), sent by <see cref="DeliveryLoop"/>.
/// </summary>
public static class DeliveryFeature
{
    public static IHostApplicationBuilder AddInvitationDelivery(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ClinicOptions>().BindConfiguration(IntakeOptions.Section);
        services.AddOptions<InvitationDeliveryOptions>().BindConfiguration(InvitationDeliveryOptions.Section)
            .Validate(o => o.Channels.Values.All(v => v.Trim().ToLowerInvariant() is SenderNames.Smtp or SenderNames.Webhook or SenderNames.Outbox),
                "Delivery:Channels values must be smtp, webhook or outbox.")
            .Validate(o => !o.Channels.Values.Any(v => string.Equals(v.Trim(), SenderNames.Smtp, StringComparison.OrdinalIgnoreCase)) || !string.IsNullOrWhiteSpace(o.Smtp.Host),
                "Delivery:Smtp:Host is required when a channel is sent by smtp.")
            .Validate(o => !o.Channels.Values.Any(v => string.Equals(v.Trim(), SenderNames.Webhook, StringComparison.OrdinalIgnoreCase))
                    || (o.Webhook.Url is not null && !string.IsNullOrEmpty(o.Webhook.Secret) && o.Webhook.Secret.Length >= 16),
                "Delivery:Webhook:Url and a Delivery:Webhook:Secret of 16+ characters are required when a channel is sent by webhook.")
            .ValidateOnStart();
        builder.AddDeliveryChecks(); // outside Development no invitation goes to the development outbox
        builder.AddDelivery<InvitationDeliveryOptions>();
        services.AddSingleton<IOutboxTextProtector>(sp => sp.GetRequiredService<LinkProtector>()); // the outbox's texts hold live links: protected like them
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<DeliveryProcessor>();
        services.AddHostedService<DeliveryLoop>();
        return builder;
    }

    public static IEndpointRouteBuilder MapInvitationDelivery(this IEndpointRouteBuilder app) => app.MapDevOutboxApi();
}
