using System.Globalization;

namespace Surveys.Portal.Components;

/// <summary>How the portal writes dates and codes for people: "2 Dec 2026", "e-mail", "text message" (times: <see cref="StaffTime"/>).</summary>
public static class PortalText
{
    /// <summary>A date written yyyy-MM-dd, as "2 Dec 2026".</summary>
    public static string Date(string? isoDate) =>
        DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("d MMM yyyy", CultureInfo.InvariantCulture)
            : "–";

    public static string Channel(string channel) => channel switch
    {
        "email" => "e-mail",
        "sms" => "text message",
        "webhook" => "webhook",
        "outbox" => "development outbox",
        _ => channel,
    };
}
