using Surveys.Contracts;
using Surveys.Data.Audit;
using Surveys.Delivery;
using Surveys.Web.Security;

namespace Surveys.Intake.Delivery;

/// <summary>
/// <c>GET /api/dev/outbox</c> (admin): what the development outbox would have sent to patients, newest first, for the
/// portal's development outbox page and for tests. Development only: elsewhere the route does not exist.
/// </summary>
public static class DevOutboxApi
{
    public static IEndpointRouteBuilder MapDevOutboxApi(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            return app;
        }

        app.MapGet("/api/dev/outbox", Read).RequireAuthorization(Roles.Admin).WithTags("Development")
            .WithSummary("Development only: the messages that would have been sent to patients, newest first (at most 200).");
        return app;
    }

    private static async Task<Ok<List<DevelopmentOutboxMessage>>> Read(DevelopmentOutboxSender outbox, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        // It holds live links and contacts: who looked, and how many messages they saw (never what).
        var entries = await outbox.ReadAsync(200, ct);
        await audit.RecordAsync(context, "dev_outbox_view", $"messages={entries.Count}");
        return TypedResults.Ok(entries.Select(e => new DevelopmentOutboxMessage(e.CreatedAt, e.Channel, e.Recipient, e.Subject, e.Text)).ToList());
    }
}
