using System.Globalization;
using System.Text.Json;
using Surveys.Notifier.Alerts;

namespace Surveys.Notifier.Delivery;

/// <summary>Deliveries that tell about an alert again, beside <see cref="AlertDeliveryKinds"/>.</summary>
public static class AlertRepeatKinds
{
    /// <summary>An acknowledged alert re-opened by new evidence: its current level is told again.</summary>
    public const string NewEvidence = "new_evidence";

    /// <summary>An urgent alert still not acknowledged after the last level's time: the last level again.</summary>
    public const string Reminder = "reminder";
}

/// <summary>A message to a contact, in the three forms the channels need.</summary>
public sealed record AlertMessage(string Subject, string Text, byte[] Json);

/// <summary>
/// What contacts receive: the severity, the escalation level, counts and a link to the staff portal's alerts. Never a
/// patient id, an answer, a score, an instrument's name or a rule's reason: the portal, behind sign-in, shows those.
/// </summary>
public static class AlertMessages
{
    public static AlertMessage Build(ClaimedAlertDelivery delivery, NotifierOptions links, AlertingOptions options)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(options);
        if (delivery.Digest is { } digest)
        {
            var inbox = links.Inbox();
            var date = digest.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var text = string.Create(CultureInfo.InvariantCulture, $"""
                Surveys daily digest for {date}.

                Routine alerts new since the last digest: {digest.NewRoutine}.
                Unresolved alerts now: {digest.OpenUrgent} urgent, {digest.OpenHigh} high, {digest.OpenRoutine} routine.

                Review them in the staff portal's alerts (sign-in required):
                {inbox}
                """);
            var json = JsonSerializer.SerializeToUtf8Bytes(new
            {
                type = AlertDeliveryKinds.Digest, date, newRoutine = digest.NewRoutine, openUrgent = digest.OpenUrgent, openHigh = digest.OpenHigh,
                openRoutine = digest.OpenRoutine, link = inbox.AbsoluteUri, deliveryId = delivery.Id, text,
            });
            return new AlertMessage($"Surveys: daily digest for {date}", text, json);
        }

        var severity = delivery.Severity ?? "high";
        var link = links.Alert(delivery.AlertId ?? Guid.Empty);
        var article = severity == "urgent" ? "An urgent" : $"A {severity}";
        var within = options.AcknowledgeWithin(severity) is { } w ? Duration(w) : null;
        var (subject, lead) = delivery.Kind switch
        {
            AlertDeliveryKinds.Escalation => (
                $"Surveys: escalated, {article.ToLowerInvariant()} alert is not yet acknowledged",
                $"{article} alert has not been acknowledged within {within} and needs review. You are escalation contact {delivery.Level}."),
            AlertRepeatKinds.Reminder => (
                $"Surveys: {article.ToLowerInvariant()} alert has still not been acknowledged",
                $"{article} alert has still not been acknowledged, although every escalation contact was told. You are the last escalation contact: this is sent again every {within} until someone acknowledges it."),
            AlertRepeatKinds.NewEvidence => (
                $"Surveys: {article.ToLowerInvariant()} alert has new evidence and needs review again",
                $"{article} alert that was acknowledged has new evidence and needs review again. You are escalation contact {delivery.Level}."),
            _ => ($"Surveys: {article.ToLowerInvariant()} alert needs review", $"{article} alert needs review."),
        };
        var body = string.Create(CultureInfo.InvariantCulture, $"""
            {lead}

            Open it in the staff portal (sign-in required) and acknowledge it there:
            {link}

            This message carries no patient details.
            """);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = delivery.Kind, alertId = delivery.AlertId, severity, level = delivery.Level, link = link.AbsoluteUri, deliveryId = delivery.Id, text = body,
        });
        return new AlertMessage(subject, body, payload);
    }

    /// <summary>"15 minutes", "4 hours", "1 hour 30 minutes".</summary>
    public static string Duration(TimeSpan span)
    {
        static string Part(int n, string unit) => string.Create(CultureInfo.InvariantCulture, $"{n} {unit}{(n == 1 ? "" : "s")}");
        var parts = new List<string>();
        if (span.Days > 0)
        {
            parts.Add(Part(span.Days, "day"));
        }

        if (span.Hours > 0)
        {
            parts.Add(Part(span.Hours, "hour"));
        }

        if (span.Minutes > 0 || parts.Count == 0)
        {
            parts.Add(Part(span.Minutes, "minute"));
        }

        return string.Join(' ', parts);
    }
}
