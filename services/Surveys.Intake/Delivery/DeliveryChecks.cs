using Microsoft.Extensions.Options;
using Surveys.Delivery;
using Surveys.Intake.Patients;

namespace Surveys.Intake.Delivery;

/// <summary>
/// Outside Development no invitation goes to the development outbox: a channel set to <c>outbox</c> stops intake from
/// starting (a patient's link would reach nobody while the platform reported it sent), a channel not listed has no sender
/// (its messages are marked failed at once, and a warning at start-up says so). In Development both go to /dev/outbox.
/// </summary>
public static partial class DeliveryChecks
{
    public static IHostApplicationBuilder AddDeliveryChecks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var development = DevelopmentOutbox.Allowed(builder.Environment);
        builder.Services.AddOptions<InvitationDeliveryOptions>().ValidateOnStart()
            .PostConfigure(o => o.UnlistedChannelSender = development ? SenderNames.Outbox : null);
        builder.Services.AddSingleton<IValidateOptions<InvitationDeliveryOptions>>(new OutboxRefused(development));
        builder.Services.AddHostedService<UnlistedChannelsNotice>();
        return builder;
    }

    /// <summary>The problems with the channels outside Development, each naming its setting.</summary>
    public static IEnumerable<string> Problems(InvitationDeliveryOptions options, bool development)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (development)
        {
            yield break;
        }

        foreach (var (channel, sender) in options.Channels.Where(c => DevelopmentOutbox.IsOutbox(c.Value)))
        {
            yield return $"Delivery:Channels:{channel} is '{sender}' (the development outbox), so patients' links would reach nobody. Outside Development set " +
                $"Delivery__Channels__{channel} to smtp (with Delivery__Smtp__Host) or webhook (with Delivery__Webhook__Url and Delivery__Webhook__Secret).";
        }
    }

    private sealed class OutboxRefused(bool development) : IValidateOptions<InvitationDeliveryOptions>
    {
        public ValidateOptionsResult Validate(string? name, InvitationDeliveryOptions options)
        {
            var problems = Problems(options, development).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }

    private sealed partial class UnlistedChannelsNotice(IOptions<InvitationDeliveryOptions> options, ILogger<UnlistedChannelsNotice> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var channel in PatientsApi.ContactChannels.Where(c => options.Value.SenderFor(c) is null))
            {
                LogUnlisted(logger, channel);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery:Channels:{Channel} is not set: invitations on that channel are marked failed, not sent (links can still be given by hand). See docs/operations.md.")]
        private static partial void LogUnlisted(ILogger logger, string channel);
    }
}
