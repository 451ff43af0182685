using Surveys.Instruments;
using Surveys.Intake.Invitations;
using Surveys.Web.Security;

namespace Surveys.Intake.Submissions;

public static class ResponsesApi
{
    public sealed record SubmitResponse(string? Token, Dictionary<string, decimal?>? Answers);

    public sealed record ResponseAccepted(Guid SubmissionId, string Status);

    /// <param name="Status">received (stored), published (handed to the broker) or scored.</param>
    /// <param name="ScoreStatus">scored or incomplete, once scored.</param>
    public sealed record ResponseStatus(
        Guid SubmissionId, string Instrument, string DefinitionVersion, string Status, string? ScoreStatus, DateTimeOffset SubmittedAt, DateTimeOffset? ScoredAt);

    public static RouteGroupBuilder MapResponsesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/responses").WithTags("Responses");
        group.MapPost("/", Submit)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.Links)
            .WithSummary("Submit a patient's answers with their invitation token.")
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone);
        group.MapGet("/{submissionId:guid}", GetStatus)
            .RequireAuthorization(Roles.AnyStaff)
            .WithName("GetResponseStatus")
            .WithSummary("Where a submission is in the pipeline.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Accepted<ResponseAccepted>, ValidationProblem, ProblemHttpResult>> Submit(
        SubmitResponse request, InvitationStore invitations, SubmissionStore store, ScoringEngine engine, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Token))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = ["Give the token from the survey link."] });
        }

        if (request.Answers is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["answers"] = ["Give the answers as an object of item number to value, e.g. { \"1\": 0 }."] });
        }

        var invitation = await Acceptance.FindAsync(invitations, request.Token, ct);
        if (invitation is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Link not recognised",
                detail: "This survey link is not valid. Check that the whole link was copied, or ask the clinic for a new one.");
        }

        var result = await Acceptance.AcceptAsync(store, engine, invitation, request.Answers, time.GetUtcNow(), "api", ct);
        return result.Outcome switch
        {
            SubmitOutcome.Accepted => TypedResults.Accepted(
                $"/api/responses/{result.Submission!.SubmissionId}", new ResponseAccepted(result.Submission.SubmissionId, "received")),
            SubmitOutcome.Invalid => Refused(result.Errors),
            SubmitOutcome.Answered => AlreadyAnswered(),
            SubmitOutcome.Replaced => TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Link replaced",
                detail: "A newer link for this survey was sent. Use the link in the most recent message."),
            _ => Expired(),
        };
    }

    private static async Task<Results<Ok<ResponseStatus>, ProblemHttpResult>> GetStatus(Guid submissionId, SubmissionStore store, CancellationToken ct)
    {
        var status = await store.GetSubmissionStatusAsync(submissionId, ct);
        if (status is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Submission not found", detail: $"No submission has the id {submissionId}.");
        }

        var stage = status.ScoredAt is not null ? "scored" : status.Published ? "published" : "received";
        return TypedResults.Ok(new ResponseStatus(
            status.Id, status.Instrument, status.DefinitionVersion, stage, status.ScoreStatus, status.SubmittedAt, status.ScoredAt));
    }

    /// <summary>
    /// A refused form, one message per item (<c>answers.{id}</c>, or <c>answers</c> for the whole form): 400 when an
    /// answer cannot be taken, 422 when the answers are valid but questions are unanswered. Nothing is used up.
    /// </summary>
    private static ProblemHttpResult Refused(IReadOnlyList<AnswerError> errors)
    {
        var unanswered = errors.All(e => e.Unanswered);
        return TypedResults.Problem(new HttpValidationProblemDetails(errors
            .GroupBy(e => e.Item is null ? "answers" : $"answers.{e.Item}")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()))
        {
            Status = unanswered ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest,
            Title = unanswered ? "Some questions are not answered" : "Some answers cannot be accepted",
            Detail = unanswered
                ? "Nothing was sent: the link still works. Answer every question not marked optional, then send the form again."
                : "Nothing was sent: the link still works. Correct the answers named here, then send the form again.",
        });
    }

    private static ProblemHttpResult AlreadyAnswered() => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already answered",
        detail: "This survey has already been answered with this link. Thank you: there is nothing more to do.");

    private static ProblemHttpResult Expired() => TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Link expired",
        detail: "This survey link has expired. Ask the clinic for a new one if you still want to answer.");
}
