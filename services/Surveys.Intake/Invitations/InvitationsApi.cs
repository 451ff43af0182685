using Microsoft.Extensions.Options;
using Surveys.Data.Audit;
using Surveys.Instruments;
using Surveys.Intake.Delivery;
using Surveys.Intake.Patients;
using Surveys.Intake.Scheduling;
using Surveys.Web.Security;

namespace Surveys.Intake.Invitations;

public static class InvitationsApi
{
    public sealed record CreateInvitation(string? Instrument);

    public sealed record InvitationCreated(Guid Id, string Token, Uri Url, string Instrument, string DefinitionVersion, DateTimeOffset ExpiresAt);

    /// <summary>One invitation as staff see it; <c>state</c> is open, answered, expired or replaced.</summary>
    public sealed record InvitationSummary(
        Guid Id, string Instrument, string DefinitionVersion, string State, string? Step, DateTimeOffset IssuedAt, DateTimeOffset? DueAt,
        DateTimeOffset ExpiresAt, int RemindersSent, DateTimeOffset? AnsweredAt, DateTimeOffset? ExpiredAt, DateTimeOffset? ReplacedAt, Guid? Replaces,
        int MessagesSent, int MessagesPending);

    public sealed record InvitationResent(Guid Id, Guid Replaces, DateTimeOffset ExpiresAt, int Messages);

    public static RouteGroupBuilder MapInvitationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/patients/{patientId:guid}/invitations").WithTags("Invitations").RequireAuthorization(Roles.Admin);
        group.MapPost("/", CreateInvitationForPatient)
            .WithSummary("Issue a personal survey link for one instrument.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/patients/{patientId:guid}/invitations", ListInvitations)
            .WithTags("Invitations")
            .RequireAuthorization(PatientDirectoryApi.AdminOrNurse)
            .WithSummary("A patient's invitations, newest first, with their state (open, answered, expired, replaced); admins and nurses.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{invitationId:guid}/resend", Resend)
            .WithSummary("Send a new link for an open invitation; the old link stops working at once.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Created<InvitationCreated>, ValidationProblem, ProblemHttpResult>> CreateInvitationForPatient(
        Guid patientId, CreateInvitation request, InvitationStore store, PatientDirectory patients, InstrumentCatalog catalog, IOptions<IntakeOptions> options, AuditLog audit, HttpContext context, TimeProvider time, CancellationToken ct)
    {
        var definition = string.IsNullOrWhiteSpace(request.Instrument) ? null : catalog.Find(request.Instrument);
        if (definition is null)
        {
            var known = string.Join(", ", catalog.All.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal));
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["instrument"] = [$"Name one of the instruments: {known}."] },
                title: "Unknown instrument");
        }

        if (!await patients.ExistsAsync(patientId, ct))
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

    public static string StateName(LinkState state) => state switch
    {
        LinkState.Answered => "answered",
        LinkState.Expired => "expired",
        LinkState.Replaced => "replaced",
        _ => "open",
    };

    /// <summary>The protocol step of a schedule key (<c>{patient}/{protocol}/{step}</c>), e.g. <c>phq9@d14</c>.</summary>
    public static string? Step(string? scheduleKey) => scheduleKey?[(scheduleKey.LastIndexOf('/') + 1)..];

    public static InvitationSummary Summarise(InvitationView view, Guid patientId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new InvitationSummary(
            view.Id, view.Instrument, view.DefinitionVersion, StateName(view.AsInvitation(patientId).State(now)), Step(view.ScheduleKey), view.CreatedAt, view.DueAt,
            view.ExpiresAt, view.RemindersSent, view.UsedAt, view.ExpiredAt, view.SupersededAt, view.ReplacesId, view.DeliveriesSent, view.DeliveriesPending);
    }

    private static async Task<Results<Ok<List<InvitationSummary>>, ProblemHttpResult>> ListInvitations(
        Guid patientId, PatientDirectory patients, ScheduleStore store, AuditLog audit, HttpContext context, TimeProvider time, CancellationToken ct)
    {
        if (!await patients.ExistsAsync(patientId, ct))
        {
            return PatientsApi.NotFound(patientId);
        }

        var now = time.GetUtcNow();
        var list = (await store.ListInvitationsAsync(patientId, ct)).Select(v => Summarise(v, patientId, now)).ToList();
        await audit.RecordAsync(context, "invitations_view", patientId.ToString());
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<InvitationResent>, ProblemHttpResult>> Resend(
        Guid patientId, Guid invitationId, InvitationResender resender, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var result = await resender.ResendAsync(patientId, invitationId, ct);
        switch (result.Outcome)
        {
            case ResendOutcome.NotFound:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Invitation not found",
                    detail: $"Patient {patientId} has no invitation {invitationId}. List them with GET /api/patients/{patientId}/invitations.");
            case ResendOutcome.Closed:
                await audit.RecordAsync(context, "invitation_resend", $"{patientId} {invitationId}", "closed");
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Invitation closed",
                    detail: "This invitation was already answered, replaced or has expired, so its link cannot be sent again. "
                        + $"Issue a new one with POST /api/patients/{patientId}/invitations.");
        }

        await audit.RecordAsync(context, "invitation_resend", $"{patientId} {invitationId} {result.NewId}");
        return TypedResults.Ok(new InvitationResent(result.NewId, invitationId, result.ExpiresAt, result.Messages));
    }
}

/// <summary>Resend: a fresh token replaces an open invitation's link, and the new link goes out.</summary>
public sealed class InvitationResender(ScheduleStore store, LinkProtector protector, DeliverySignal signal, TimeProvider time)
{
    public sealed record Result(ResendOutcome Outcome, Guid NewId, DateTimeOffset ExpiresAt, int Messages);

    public async Task<Result> ResendAsync(Guid patientId, Guid invitationId, CancellationToken ct)
    {
        var token = InvitationToken.New();
        var (outcome, newId, expiresAt) = await store.ResendAsync(patientId, invitationId, InvitationToken.Hash(token), protector.Protect(token), time.GetUtcNow(), ct);
        var messages = 0;
        if (outcome == ResendOutcome.Resent)
        {
            messages = (await store.ListInvitationsAsync(patientId, ct)).FirstOrDefault(v => v.Id == newId)?.DeliveriesPending ?? 0;
            signal.Notify();
        }

        return new Result(outcome, newId, expiresAt, messages);
    }
}
