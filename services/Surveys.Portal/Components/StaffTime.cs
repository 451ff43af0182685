using System.Globalization;
using Microsoft.Extensions.Options;

namespace Surveys.Portal.Components;

/// <summary>
/// Times as staff read them: in the clinic's time zone (<c>Portal__TimeZone</c>, an IANA id such as Asia/Kolkata;
/// UTC when unset), with the offset written out so that no time is ambiguous: "2 Dec 2026, 19:35 (UTC+05:30)", or
/// "2 Dec 2026, 14:05 UTC" in UTC. Every page writes times through here.
/// </summary>
public sealed class StaffTime(IOptions<PortalOptions> options)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    /// <summary>True when <paramref name="id"/> names a time zone this machine knows (checked when the portal starts).</summary>
    public static bool IsKnownZone(string? id) => !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    public string When(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, _zone);
        var clock = local.ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture);
        if (local.Offset == TimeSpan.Zero && _zone.BaseUtcOffset == TimeSpan.Zero && !_zone.SupportsDaylightSavingTime)
        {
            return clock + " UTC";
        }

        var sign = local.Offset < TimeSpan.Zero ? "-" : "+";
        return string.Create(CultureInfo.InvariantCulture, $"{clock} (UTC{sign}{local.Offset.Duration():hh\\:mm})");
    }

    public string When(DateTimeOffset? at, string missing = "–") => at is { } value ? When(value) : missing;

    /// <summary>When <paramref name="day"/> begins in the clinic (the start of its first hour, for a day that skips midnight).</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (_zone.IsInvalidTime(midnight))
        {
            midnight = midnight.AddMinutes(30);
        }

        return new DateTimeOffset(midnight, _zone.GetUtcOffset(midnight)).ToUniversalTime();
    }

    /// <summary>The clinic's calendar day of <paramref name="at"/>: "2 Dec 2026".</summary>
    public string Day(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _zone).ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
