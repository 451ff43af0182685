using Surveys.Intake.Invitations;
using Surveys.Intake.Patients;

namespace Surveys.Intake.Scheduling;

/// <summary>Enrolment, follow-up protocols, the scheduler and invitation delivery.</summary>
public static class FollowUpFeature
{
    public static IHostApplicationBuilder AddFollowUp(this IHostApplicationBuilder builder)
    {
        return builder;
    }

    public static IEndpointRouteBuilder MapFollowUp(this IEndpointRouteBuilder app)
    {
        app.MapPatientsApi();
        app.MapInvitationsApi();
        return app;
    }
}
