using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Surveys.Hosting.Observability;

/// <summary>
/// The one "Surveys" meter and its instruments. Labels are bounded sets (instrument ids, statuses, rules,
/// severities, stages, message and exception type names): never a patient, submission or invitation id.
/// </summary>
public static class SurveysMetrics
{
    public const string MeterName = "Surveys";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> SubmissionsAccepted = Meter.CreateCounter<long>(
        "surveys.submissions.accepted", "{submission}", "Submissions accepted by intake (202 or the survey page's confirmation).");

    private static readonly Counter<long> Scores = Meter.CreateCounter<long>(
        "surveys.scores", "{score}", "Submissions scored, by instrument and status (scored, incomplete).");

    private static readonly Counter<long> Alerts = Meter.CreateCounter<long>(
        "surveys.alerts", "{alert}", "Alerts raised or raised in severity (PatientAlertRaised published), by rule and severity.");

    private static readonly Counter<long> ConsumerFaults = Meter.CreateCounter<long>(
        "surveys.consumer.faults", "{fault}", "Consume attempts that threw, by message type and exception type.");

    private static readonly Histogram<double> StageDuration = Meter.CreateHistogram<double>(
        "surveys.stage.duration", "s", "Time one stage spent on one message (stage: scoring, notifier).");

    private static readonly Histogram<double> PipelineDuration = Meter.CreateHistogram<double>(
        "surveys.pipeline.duration", "s", "Time from the patient's submission to a point in the pipeline (to: scored, notified; notified is when alerts are raised).");

    /// <param name="channel">api or page.</param>
    public static void SubmissionAccepted(string instrument, string channel) =>
        SubmissionsAccepted.Add(1, new TagList { { "instrument", instrument }, { "channel", channel } });

    public static void Scored(string instrument, string status) =>
        Scores.Add(1, new TagList { { "instrument", instrument }, { "status", status } });

    public static void AlertRaised(string rule, string severity) =>
        Alerts.Add(1, new TagList { { "rule", rule }, { "severity", severity } });

    public static void ConsumerFault(string messageType, string exceptionType) =>
        ConsumerFaults.Add(1, new TagList { { "message_type", messageType }, { "exception_type", exceptionType } });

    /// <summary>How long one stage took on one message.</summary>
    public static void Stage(string stage, TimeSpan elapsed) =>
        StageDuration.Record(elapsed.TotalSeconds, new TagList { { "stage", stage } });

    /// <summary>Time from the submission to <paramref name="to"/> (scored, notified).</summary>
    public static void SinceSubmission(string to, DateTimeOffset submittedAt, DateTimeOffset now) =>
        PipelineDuration.Record(Math.Max(0, (now - submittedAt).TotalSeconds), new TagList { { "to", to } });
}
