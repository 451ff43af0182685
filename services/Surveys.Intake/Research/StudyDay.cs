using System.Globalization;

namespace Surveys.Intake.Research;

/// <summary>
/// Days since a patient's index date, counted as the protocol counts them: the local calendar date of the
/// moment in the patient's time zone, minus the index date (day 0 is the index date; negative is before it).
/// Time zones are looked up once each.
/// </summary>
public sealed class StudyDay
{
    private readonly Dictionary<string, TimeZoneInfo> _zones = new(StringComparer.Ordinal);

    /// <summary>Null when the patient has no (readable) index date.</summary>
    public int? DaysSinceIndex(DateTimeOffset at, string? indexDate, string timeZone)
    {
        if (indexDate is null || !DateOnly.TryParseExact(indexDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var index))
        {
            return null;
        }

        if (!_zones.TryGetValue(timeZone, out var zone))
        {
            zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
            _zones[timeZone] = zone;
        }

        var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        return local.DayNumber - index.DayNumber;
    }
}
