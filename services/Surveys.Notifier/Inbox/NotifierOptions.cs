namespace Surveys.Notifier.Inbox;

/// <summary>Configuration section <c>Notifier</c>.</summary>
public sealed class NotifierOptions
{
    public const string Section = "Notifier";

    /// <summary>Intake, which holds the staff accounts (Notifier__IntakeUrl).</summary>
    public Uri IntakeUrl { get; set; } = new("http://127.0.0.1:5101");

    /// <summary>Where nurses reach the inbox: links in alert messages are built on it (Notifier__PublicBaseUrl).</summary>
    public Uri PublicBaseUrl { get; set; } = new("http://127.0.0.1:5103");

    public Uri Inbox() => new(Base(), "inbox");

    public Uri Alert(Guid id) => new(Base(), $"inbox/alerts/{id:D}");

    private Uri Base() => PublicBaseUrl.AbsoluteUri.EndsWith('/') ? PublicBaseUrl : new Uri(PublicBaseUrl.AbsoluteUri + "/");
}
