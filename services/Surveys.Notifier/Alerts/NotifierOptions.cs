namespace Surveys.Notifier.Alerts;

/// <summary>Configuration section <c>Notifier</c>.</summary>
public sealed class NotifierOptions
{
    public const string Section = "Notifier";

    /// <summary>Intake, which holds the staff accounts that bearer sessions are checked against (Notifier__IntakeUrl).</summary>
    public Uri IntakeUrl { get; set; } = new("http://127.0.0.1:5101");

    /// <summary>
    /// The staff portal, where nurses read and act on alerts (Notifier__PortalUrl): links in alert messages open its
    /// <c>/alerts</c> and <c>/alerts/{id}</c>. The notifier serves no pages of its own.
    /// </summary>
    public Uri PortalUrl { get; set; } = new("http://127.0.0.1:5104");

    public Uri Inbox() => new(Base(PortalUrl), "alerts");

    public Uri Alert(Guid id) => new(Base(PortalUrl), $"alerts/{id:D}");

    private static Uri Base(Uri root) => root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
}
