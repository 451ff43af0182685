using Microsoft.Extensions.Options;
using Surveys.Portal;
using Surveys.Portal.Components;

namespace Surveys.UnitTests.Portal;

/// <summary>Times on the staff portal: in the clinic's time zone, never ambiguous, and the audit filter's days begin at the clinic's midnight.</summary>
public class StaffTimeTests
{
    [TestCase("UTC", "2026-12-02T14:05:00Z", "2 Dec 2026, 14:05 UTC")]
    [TestCase("Asia/Kolkata", "2026-12-02T14:05:00Z", "2 Dec 2026, 19:35 (UTC+05:30)")]
    [TestCase("Asia/Kolkata", "2026-12-02T20:00:00Z", "3 Dec 2026, 01:30 (UTC+05:30)")]
    [TestCase("Europe/London", "2026-07-01T09:00:00Z", "1 Jul 2026, 10:00 (UTC+01:00)")]
    [TestCase("Europe/London", "2026-12-02T09:00:00Z", "2 Dec 2026, 09:00 (UTC+00:00)")]
    [TestCase("America/New_York", "2026-12-02T03:00:00Z", "1 Dec 2026, 22:00 (UTC-05:00)")]
    public void A_time_is_written_in_the_clinics_zone_with_its_offset(string zone, string at, string expected) =>
        Assert.That(Clock(zone).When(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(expected));

    [Test]
    public void A_missing_time_reads_as_given() => Assert.That(Clock("UTC").When(null, "not yet"), Is.EqualTo("not yet"));

    [Test]
    public void The_day_is_the_clinics_calendar_day() =>
        Assert.That(Clock("Asia/Kolkata").Day(new DateTimeOffset(2026, 12, 2, 20, 0, 0, TimeSpan.Zero)), Is.EqualTo("3 Dec 2026"));

    [TestCase("UTC", "2026-12-02", "2026-12-02T00:00:00Z")]
    [TestCase("Asia/Kolkata", "2026-12-02", "2026-12-01T18:30:00Z")]
    [TestCase("Europe/London", "2026-07-01", "2026-06-30T23:00:00Z")]
    // Havana's clocks skip from midnight to 01:00 on the day summer time begins: the day starts at 01:00 local.
    [TestCase("America/Havana", "2026-03-08", "2026-03-08T05:00:00Z")]
    public void A_day_begins_at_the_clinics_midnight(string zone, string day, string expected) =>
        Assert.That(Clock(zone).StartOf(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)),
            Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));

    [TestCase("Asia/Kolkata", true)]
    [TestCase("UTC", true)]
    [TestCase("Mars/Olympus_Mons", false)]
    [TestCase("", false)]
    public void Only_a_known_zone_is_accepted(string zone, bool known) => Assert.That(StaffTime.IsKnownZone(zone), Is.EqualTo(known));

    private static StaffTime Clock(string zone) => new(Options.Create(new PortalOptions { TimeZone = zone }));
}
