namespace Surveys.Portal.Components;

/// <summary>
/// The one way a page sets its response's status. .NET 10's component endpoint writes no body for a 404 set while a
/// page renders (it leaves the response to status-code re-execution), so the status-code middleware would answer with
/// problem JSON instead of the page's own "Not found" panel. A page that found nothing therefore renders as usual, and
/// the 404 is put on the response as it starts, after the page was written.
/// </summary>
public static class PageStatus
{
    private const string NotFoundKey = "Surveys.Portal.PageStatus.NotFound";

    public static void Set(HttpContext context, int status)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (status != StatusCodes.Status404NotFound)
        {
            context.Items.Remove(NotFoundKey); // a later decision wins
            context.Response.StatusCode = status;
            return;
        }

        if (context.Items.TryAdd(NotFoundKey, true))
        {
            context.Response.OnStarting(() =>
            {
                if (context.Items.ContainsKey(NotFoundKey))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                }

                return Task.CompletedTask;
            });
        }
    }
}
