using Surveys.Contracts;
using Surveys.Instruments;
using Surveys.Intake.Data;
using Surveys.Intake.Invitations;
using Surveys.Hosting.Observability;

namespace Surveys.Intake.Responses;

public enum SubmitOutcome
{
    Accepted,
    Answered,
    Replaced,
    Expired,
    Invalid,
}

/// <param name="Submission">The stored submission, when <see cref="Outcome"/> is Accepted.</param>
/// <param name="Errors">Why the answers cannot be accepted, when <see cref="Outcome"/> is Invalid.</param>
public sealed record SubmitResult(SubmitOutcome Outcome, SurveySubmitted? Submission, IReadOnlyList<AnswerError> Errors);

/// <summary>
/// The one way a patient's answers are accepted, whichever door they come through (the survey pages,
/// <c>POST /api/responses</c>, <c>POST /fhir/QuestionnaireResponse</c>): the link must be open, the answers must
/// pass the scoring engine's acceptance rule (<see cref="ScoringEngine.CheckSubmission"/>: valid, not empty, every
/// required and critical item answered), and the submission is stored with its <see cref="SurveySubmitted"/>
/// message in one transaction.
/// </summary>
public static class Submissions
{
    /// <summary>The invitation behind a link token, or null when no invitation has it.</summary>
    public static async Task<Invitation?> FindAsync(IntakeStore store, string? token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        return token is { Length: > 0 and <= 128 } ? await store.FindInvitationAsync(InvitationToken.Hash(token), ct) : null;
    }

    /// <param name="channel">Where the answers came from, for the submissions metric (page, api, fhir).</param>
    public static async Task<SubmitResult> AcceptAsync(
        IntakeStore store, ScoringEngine engine, Invitation invitation, IReadOnlyDictionary<string, decimal?> answers, DateTimeOffset now, string channel,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(invitation);
        if (ClosedOutcome(invitation, now) is { } closed)
        {
            return Closed(closed);
        }

        // One acceptance rule for every route, from the scoring engine itself: valid answers, not empty, every
        // required (and so every critical) item answered. A refused form uses nothing up: the link stays open.
        var errors = engine.CheckSubmission(invitation.Instrument, answers, invitation.DefinitionVersion);
        if (errors.Count > 0)
        {
            return new SubmitResult(SubmitOutcome.Invalid, null, errors);
        }

        var submitted = new SurveySubmitted(
            Guid.NewGuid(), invitation.Id, invitation.PatientId, invitation.Instrument, invitation.DefinitionVersion, answers, now);
        switch (await store.AcceptSubmissionAsync(submitted, ct))
        {
            case AcceptOutcome.Accepted:
                SurveysMetrics.SubmissionAccepted(submitted.Instrument, channel);
                return new SubmitResult(SubmitOutcome.Accepted, submitted, []);
            case AcceptOutcome.AlreadyUsed:
                return Closed(SubmitOutcome.Answered);
            default:
                return Closed(SubmitOutcome.Expired);
        }
    }

    /// <summary>Why the invitation's link takes no answers any more, or null while it is open.</summary>
    public static SubmitOutcome? ClosedOutcome(Invitation invitation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return invitation.State(now) switch
        {
            LinkState.Answered => SubmitOutcome.Answered,
            LinkState.Replaced => SubmitOutcome.Replaced,
            LinkState.Expired => SubmitOutcome.Expired,
            _ => null,
        };
    }

    private static SubmitResult Closed(SubmitOutcome outcome) => new(outcome, null, []);
}
