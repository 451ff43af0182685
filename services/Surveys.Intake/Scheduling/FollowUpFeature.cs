using Surveys.Instruments;
using Surveys.Intake.Invitations;

namespace Surveys.Intake.Scheduling;

/// <summary>Enrolment, follow-up protocols and the scheduler (the messages it queues are sent by Delivery/DeliveryFeature).</summary>
public static class FollowUpFeature
{
    public static IHostApplicationBuilder AddFollowUp(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddSingleton(sp => ProtocolCatalog.LoadEmbedded(sp.GetRequiredService<InstrumentCatalog>()));
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section);
        services.AddSingleton<ScheduleStore>();
        services.AddSingleton<FollowUpScheduler>();
        services.AddSingleton<InvitationResender>();
        services.AddHostedService<SchedulerLoop>();

        return builder;
    }
}
