using System.Globalization;
using System.Text;
using Surveys.Notifier.Data;
using Surveys.ServiceDefaults.Audit;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.Notifier.Delivery;

/// <summary>/dev/alert-outbox (nurse or admin): the alert messages that would have been sent, newest first.</summary>
public static class AlertDevOutboxPage
{
    public static async Task<IResult> Show(AlertDeliveryStore store, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var entries = await store.DevOutboxAsync(200, ct);
        await audit.RecordAsync(context, "alert_outbox_view", $"messages={entries.Count}");
        var body = new StringBuilder("<h1>Development alert outbox</h1>")
            .Append("<p>Alert messages that would have been sent when no e-mail or webhook is configured for a contact (<code>Alerting:Contacts</code>). Newest first.</p>");
        if (entries.Count == 0)
        {
            body.Append("<p>Nothing has been sent yet.</p>");
        }

        foreach (var entry in entries)
        {
            body.Append("<article class=\"outbox-message\"><h2>").Append(E(entry.Subject)).Append("</h2><p>")
                .Append(E(entry.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append(" UTC · to ")
                .Append(E(entry.Contact)).Append("</p><pre>").Append(E(entry.Text)).Append("</pre></article>");
        }

        return Render("Development alert outbox", body.ToString());
    }
}
