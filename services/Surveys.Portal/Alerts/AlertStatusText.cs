using Surveys.Instruments;
using Surveys.Portal.Patients;

namespace Surveys.Portal.Alerts;

/// <summary>An alert's status in words, with what needs a person's eyes: new evidence, or every contact told and nobody acknowledging.</summary>
public static class AlertStatusText
{
    public static string Of(AlertView alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return AlertWords.Status(alert.Status)
            + (alert.NewEvidenceSinceAcknowledged ? ", with new evidence since it was acknowledged" : "")
            + (alert.Status == "open" && alert.PastLastLevelAt is not null ? ", not acknowledged although every escalation contact was told" : "");
    }
}
