using System.Globalization;
using System.Text;
using Surveys.Intake.Data;
using Surveys.Intake.Invitations;
using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Security;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.Intake.Delivery;

/// <summary>/dev/outbox (admin): what the development outbox would have sent, newest first. Development only: elsewhere the route does not exist.</summary>
public static class DevOutboxPage
{
    public static IEndpointRouteBuilder MapDevOutboxPage(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            return app;
        }

        app.MapGet("/dev/outbox", Show).RequireAuthorization(Roles.Admin).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Show(DeliveryStore store, LinkProtector protector, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        // It shows live links and contacts: who looked, and how many messages they saw (never what).
        var entries = await store.DevOutboxAsync(200, ct);
        await audit.RecordAsync(context, "dev_outbox_view", $"messages={entries.Count}");
        var body = new StringBuilder("<h1>Development outbox</h1>")
            .Append("<p>Messages that would have been sent to patients when no e-mail or SMS sender is configured (<code>Delivery:Channels</code>). Newest first.</p>");
        if (entries.Count == 0)
        {
            body.Append("<p>Nothing has been sent yet.</p>");
        }

        foreach (var entry in entries)
        {
            var text = protector.TryUnprotect(entry.ProtectedText) ?? "(this message can no longer be read: the keys that protected it are gone)";
            body.Append("<article class=\"outbox-message\"><h2>").Append(E(entry.Subject)).Append("</h2><p>")
                .Append(E(entry.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append(" UTC · ")
                .Append(E(entry.ContactChannel)).Append(" to ").Append(E(entry.Recipient)).Append("</p><pre>").Append(E(text)).Append("</pre></article>");
        }

        return Render("Development outbox", body.ToString());
    }
}
