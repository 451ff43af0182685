using Microsoft.AspNetCore.DataProtection;

namespace Surveys.Intake.Invitations;

/// <summary>Invitations: personal survey links made on request, listed and resent (<c>/api/patients/{id}/invitations</c>), and the protection of open links' tokens.</summary>
public static class InvitationsFeature
{
    public static IHostApplicationBuilder AddInvitations(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Tokens of open invitations are kept protected; the keys live beside the database, in their own folder.
        var dataDirectory = builder.Configuration["Storage:DataDirectory"] is { Length: > 0 } d ? d : "data";
        builder.Services.AddDataProtection()
            .SetApplicationName("Surveys.Intake")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
        builder.Services.AddSingleton<LinkProtector>();
        builder.Services.AddSingleton<InvitationStore>();
        return builder;
    }

    public static IEndpointRouteBuilder MapInvitations(this IEndpointRouteBuilder app)
    {
        app.MapInvitationsApi();
        return app;
    }
}
