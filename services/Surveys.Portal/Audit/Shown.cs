using System.Globalization;

namespace Surveys.Portal.Audit;

/// <summary>Times and dates as the admin pages show them: "2 Dec 2026, 14:05 UTC".</summary>
public static class Shown
{
    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? at) => at is { } value ? Time(value) : "–";

    public static string Date(string? isoDate) =>
        DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("d MMM yyyy", CultureInfo.InvariantCulture)
            : "–";
}
