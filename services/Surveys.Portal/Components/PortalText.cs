using System.Globalization;

namespace Surveys.Portal.Components;

/// <summary>How the portal writes times and codes for people: "2 Dec 2026, 14:05 UTC", "e-mail", "text message".</summary>
public static class PortalText
{
    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Channel(string channel) => channel switch
    {
        "email" => "e-mail",
        "sms" => "text message",
        "webhook" => "webhook",
        _ => channel,
    };
}
