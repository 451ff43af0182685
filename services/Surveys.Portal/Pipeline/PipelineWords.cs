using System.Globalization;
using System.Text.RegularExpressions;

namespace Surveys.Portal.Pipeline;

/// <summary>The pipeline's queues, messages and faults in the words an operator reads on the portal.</summary>
public static partial class PipelineWords
{
    /// <summary>A work queue by what it does ("the scoring queue"); its own name when it is not one of ours.</summary>
    public static string Queue(string queue) => queue switch
    {
        "scoring-score-submission" => "the scoring queue",
        "notifier-survey-scored" => "the alert rules queue",
        "notifier-invitation-expired" => "the missed invitations queue",
        "intake-survey-scored" => "intake's results queue",
        _ => $"queue {queue}",
    };

    /// <summary>What a failed message was, from its type: Surveys.Contracts.SurveySubmitted (MT-Fault-MessageType) or urn:message:Surveys.Contracts:SurveySubmitted.</summary>
    public static string MessageType(string? type) => (type?.Split(';')[0].Split(':', '.')[^1]) switch
    {
        null or "" => "Unknown kind of message",
        "SurveySubmitted" => "A submitted survey, to be scored",
        "SurveyScored" => "A scored survey, for the alert rules and the patient's history",
        "PatientAlertRaised" => "An alert raised for a patient",
        "InvitationExpired" => "An invitation that expired unanswered",
        var other => Words().Replace(other, " $1").Trim(),
    };

    /// <summary>The exception's short name ("UnprocessableMessageException" for MassTransit's full type name).</summary>
    public static string Fault(string faultType) => faultType.Split('.')[^1];

    public static string Messages(long count) => count == 1 ? "1 failed message" : string.Create(CultureInfo.InvariantCulture, $"{count} failed messages");

    [GeneratedRegex("(?<=[a-z])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex Words();
}
