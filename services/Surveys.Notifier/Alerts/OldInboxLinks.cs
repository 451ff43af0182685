using Microsoft.Extensions.Options;

namespace Surveys.Notifier.Alerts;

/// <summary>
/// Alert messages sent before the staff portal linked to the notifier's own inbox (<c>/inbox</c>,
/// <c>/inbox/alerts/{id}</c>), which is gone (issue 21). A nurse following such a link from an escalation e-mail is
/// sent to the same alert on the portal, never to a dead end. Nothing is read or shown here: the portal asks for a
/// sign-in and checks the role.
/// </summary>
public static class OldInboxLinks
{
    public static IEndpointRouteBuilder MapOldInboxLinks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/inbox", (IOptions<NotifierOptions> options) => Results.Redirect(options.Value.Inbox().AbsoluteUri, permanent: true))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/inbox/alerts/{id:guid}", (Guid id, IOptions<NotifierOptions> options) => Results.Redirect(options.Value.Alert(id).AbsoluteUri, permanent: true))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
