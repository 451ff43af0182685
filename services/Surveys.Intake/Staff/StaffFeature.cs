using Surveys.Data.Audit;
using Surveys.Web.Security;

namespace Surveys.Intake.Staff;

/// <summary>Staff accounts, sign-in (the token route; the one sign-in page is the portal's) and the audit trail.</summary>
public static class StaffFeature
{
    public static IHostApplicationBuilder AddStaff(this IHostApplicationBuilder builder)
    {
        builder.AddAudit();
        builder.Services.AddSingleton<StaffStore>();
        builder.Services.AddSingleton<StaffAccounts>();
        builder.Services.AddAccountCheck<LocalAccountCheck>(); // every session is checked against its account (docs/security.md)
        builder.Services.AddSingleton<BootstrapAdmin>();
        builder.Services.AddHostedService(services => services.GetRequiredService<BootstrapAdmin>());
        builder.Services.AddHealthChecks().AddCheck<BootstrapAdmin>("first-account", tags: ["ready"]);
        return builder;
    }

    public static IEndpointRouteBuilder MapStaff(this IEndpointRouteBuilder app)
    {
        app.MapAuthApi();
        app.MapUsersApi();
        app.MapAuditApi();
        return app;
    }
}
