using Microsoft.Extensions.Options;
using Surveys.Instruments;
using Surveys.Intake.Data;
using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Security;

namespace Surveys.Intake.Invitations;

public static class InvitationsApi
{
    public sealed record CreateInvitation(string? Instrument);

    public sealed record InvitationCreated(Guid Id, string Token, Uri Url, string Instrument, string DefinitionVersion, DateTimeOffset ExpiresAt);

    public static RouteGroupBuilder MapInvitationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/patients/{patientId:guid}/invitations").WithTags("Invitations").RequireAuthorization(Roles.Admin);
        group.MapPost("/", CreateInvitationForPatient)
            .WithSummary("Issue a personal survey link for one instrument.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Created<InvitationCreated>, ValidationProblem, ProblemHttpResult>> CreateInvitationForPatient(
        Guid patientId, CreateInvitation request, IntakeStore store, InstrumentCatalog catalog, IOptions<IntakeOptions> options, AuditLog audit, HttpContext context, TimeProvider time, CancellationToken ct)
    {
        var definition = string.IsNullOrWhiteSpace(request.Instrument) ? null : catalog.Find(request.Instrument);
        if (definition is null)
        {
            var known = string.Join(", ", catalog.All.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal));
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["instrument"] = [$"Name one of the instruments: {known}."] },
                title: "Unknown instrument");
        }

        if (!await store.PatientExistsAsync(patientId, ct))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Patient not found",
                detail: $"No patient has the id {patientId}. Create the patient first with POST /api/patients.");
        }

        var now = time.GetUtcNow();
        var token = InvitationToken.New();
        var invitation = new Invitation(Guid.NewGuid(), patientId, definition.Id, definition.Version, now, now + options.Value.InvitationLifetime, null);
        await store.CreateInvitationAsync(invitation, InvitationToken.Hash(token), ct);
        await audit.RecordAsync(context, "invitation_issue", $"{patientId} {definition.Id}");

        var url = new Uri(options.Value.PublicBaseUrl, $"s/{token}");
        return TypedResults.Created(
            (string?)null,
            new InvitationCreated(invitation.Id, token, url, invitation.Instrument, invitation.DefinitionVersion, invitation.ExpiresAt));
    }
}
