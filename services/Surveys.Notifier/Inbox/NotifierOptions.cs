namespace Surveys.Notifier.Inbox;

/// <summary>Configuration section <c>Notifier</c>.</summary>
public sealed class NotifierOptions
{
    public const string Section = "Notifier";

    /// <summary>Intake, which holds the staff accounts (Notifier__IntakeUrl).</summary>
    public Uri IntakeUrl { get; set; } = new("http://127.0.0.1:5101");

    /// <summary>Where nurses reach the inbox: links in alert messages are built on it (Notifier__PublicBaseUrl).</summary>
    public Uri PublicBaseUrl { get; set; } = new("http://127.0.0.1:5103");

    /// <summary>
    /// The staff portal (Notifier__PortalUrl). When set, links in alert messages open the portal's <c>/alerts</c> and
    /// <c>/alerts/{id}</c> instead of the notifier's own inbox pages.
    /// </summary>
    public Uri? PortalUrl { get; set; }

    public Uri Inbox() => PortalUrl is null ? new(Base(PublicBaseUrl), "inbox") : new(Base(PortalUrl), "alerts");

    public Uri Alert(Guid id) => PortalUrl is null ? new(Base(PublicBaseUrl), $"inbox/alerts/{id:D}") : new(Base(PortalUrl), $"alerts/{id:D}");

    private static Uri Base(Uri root) => root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
}
