using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Surveys.Instruments;

namespace Surveys.Intake.Scheduling;

/// <summary>One planned invitation of a protocol: an instrument on a day (or calendar month) after the index date.</summary>
/// <param name="Key">Stable within the protocol, e.g. <c>phq9@d14</c> or <c>gold@m3</c>.</param>
/// <param name="Version">The definition version the step names, or null for the newest.</param>
public sealed record ProtocolOccurrence(string Key, string Instrument, int? Day, int? Month, TimeSpan OpenFor, IReadOnlyList<TimeSpan> Reminders, string? Version = null)
{
    /// <summary>The local calendar day the invitation is due: day 0 is the index date; months are calendar months.</summary>
    public DateOnly DueDate(DateOnly indexDate) => Month is { } m ? indexDate.AddMonths(m) : indexDate.AddDays(Day ?? 0);
}

/// <summary>A follow-up protocol loaded from <c>Protocols/*.json</c>.</summary>
public sealed class FollowUpProtocol
{
    public FollowUpProtocol(string id, string title, TimeOnly sendAt, IReadOnlyList<ProtocolOccurrence> occurrences)
    {
        Id = id;
        Title = title;
        SendAt = sendAt;
        Occurrences = occurrences;
    }

    public string Id { get; }

    public string Title { get; }

    /// <summary>Local time, in the patient's time zone, at which invitations go out on their due day.</summary>
    public TimeOnly SendAt { get; }

    public IReadOnlyList<ProtocolOccurrence> Occurrences { get; }

    /// <summary>When an occurrence is due, as an instant: <see cref="SendAt"/> on its due day in the patient's time zone.</summary>
    public DateTimeOffset DueAt(ProtocolOccurrence occurrence, DateOnly indexDate, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(occurrence);
        ArgumentNullException.ThrowIfNull(zone);
        var local = occurrence.DueDate(indexDate).ToDateTime(SendAt, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1); // the clocks jumped over the send time that day: send just after
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}

/// <summary>The shipped protocols, validated at start-up against the instrument catalogue.</summary>
public sealed class ProtocolCatalog
{
    private const string ResourcePrefix = "protocols/";
    private const int MaxReminders = 2;
    private readonly Dictionary<string, FollowUpProtocol> _byId;

    private ProtocolCatalog(IEnumerable<FollowUpProtocol> protocols)
    {
        _byId = protocols.ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<FollowUpProtocol> All => _byId.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();

    public FollowUpProtocol? Find(string? id) => id is not null && _byId.TryGetValue(id, out var p) ? p : null;

    public static ProtocolCatalog LoadEmbedded(InstrumentCatalog instruments)
    {
        var assembly = typeof(ProtocolCatalog).Assembly;
        var sources = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n, Read(assembly, n)));
        return FromSources(sources, instruments);
    }

    public static ProtocolCatalog FromSources(IEnumerable<(string Source, string Json)> sources, InstrumentCatalog instruments)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(instruments);
        var list = new List<FollowUpProtocol>();
        foreach (var (source, json) in sources)
        {
            var protocol = Parse(source, json, instruments);
            if (list.Any(p => string.Equals(p.Id, protocol.Id, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"{source}: protocol '{protocol.Id}' is defined twice.");
            }

            list.Add(protocol);
        }

        return new ProtocolCatalog(list);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static FollowUpProtocol Parse(string source, string json, InstrumentCatalog instruments)
    {
        ProtocolDto dto;
        try
        {
            dto = JsonSerializer.Deserialize<ProtocolDto>(json, Json) ?? throw new InvalidOperationException($"{source}: empty protocol.");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{source}: not a valid protocol file ({ex.Message}).", ex);
        }

        void Fail(string message) => throw new InvalidOperationException($"{source}: {message}");

        if (string.IsNullOrWhiteSpace(dto.Id) || string.IsNullOrWhiteSpace(dto.Title))
        {
            Fail("give the protocol an id and a title.");
        }

        if (!TimeOnly.TryParseExact(dto.SendAt ?? "", "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var sendAt))
        {
            Fail("sendAt must be a local time HH:mm, e.g. 09:00.");
        }

        var occurrences = new List<ProtocolOccurrence>();
        foreach (var (step, index) in (dto.Steps ?? []).Select((s, i) => (s, i)))
        {
            var where = $"steps[{index}]";
            if (step.Instrument is null || instruments.Find(step.Instrument) is null)
            {
                Fail($"{where}: unknown instrument '{step.Instrument}'.");
            }

            var definition = instruments.Find(step.Instrument!, step.Version);
            if (definition is null)
            {
                Fail($"{where}: {step.Instrument} has no version '{step.Version}'.");
            }

            // A repeating form asks about exactly the time since the one before: a longer recall reports one event
            // twice (a daily diary asking about 7 days), a shorter one never asks about some days.
            if (step.Every is { Days: > 0 } repeat && definition!.RecallPeriod?.Days is { } recall && recall != repeat.Days)
            {
                Fail($"{where}: {step.Instrument} {definition.Version} asks about {recall} day(s) but is sent every {repeat.Days} day(s); name a version whose recall matches.");
            }

            if (step.OpenHours is not > 0)
            {
                Fail($"{where}: openHours must be a positive number of hours.");
            }

            var open = TimeSpan.FromHours(step.OpenHours!.Value);
            var reminders = (step.ReminderHours ?? []).Select(h => TimeSpan.FromHours(h)).ToList();
            if (reminders.Count > MaxReminders || reminders.Any(r => r <= TimeSpan.Zero || r >= open) || reminders.Zip(reminders.Skip(1)).Any(p => p.First >= p.Second))
            {
                Fail($"{where}: reminderHours must be at most {MaxReminders} increasing hours, each before the invitation closes ({step.OpenHours} h).");
            }

            var kinds = (step.Every is null ? 0 : 1) + (step.OnDays is null ? 0 : 1) + (step.Months is null ? 0 : 1);
            if (kinds != 1)
            {
                Fail($"{where}: give exactly one of every, onDays or months.");
            }

            IEnumerable<(int? Day, int? Month)> when = step switch
            {
                { Every: { } e } when e.Days > 0 && e.FromDay >= 0 && e.ToDay >= e.FromDay =>
                    Enumerable.Range(0, ((e.ToDay - e.FromDay) / e.Days) + 1).Select(i => ((int?)(e.FromDay + (i * e.Days)), (int?)null)),
                { OnDays: { } days } when days.All(d => d >= 0) => days.Select(d => ((int?)d, (int?)null)),
                { Months: { } months } when months.All(m => m >= 0) => months.Select(m => ((int?)null, (int?)m)),
                _ => throw new InvalidOperationException($"{source}: {where}: days and months must be 0 or more (every: fromDay <= toDay, days >= 1)."),
            };

            foreach (var (day, month) in when)
            {
                var key = month is { } m
                    ? string.Create(CultureInfo.InvariantCulture, $"{step.Instrument}@m{m}")
                    : string.Create(CultureInfo.InvariantCulture, $"{step.Instrument}@d{day}");
                if (occurrences.Any(o => string.Equals(o.Key, key, StringComparison.Ordinal)))
                {
                    Fail($"{where}: {key} is planned twice.");
                }

                occurrences.Add(new ProtocolOccurrence(key, step.Instrument!, day, month, open, reminders, step.Version));
            }
        }

        if (occurrences.Count == 0)
        {
            Fail("the protocol plans no invitation.");
        }

        return new FollowUpProtocol(dto.Id!, dto.Title!, sendAt, occurrences);
    }

#pragma warning disable CA1812 // instantiated by the JSON serializer
    private sealed class ProtocolDto
    {
        public string? Id { get; set; }
        public string? Title { get; set; }
        public string? SendAt { get; set; }
        public List<StepDto>? Steps { get; set; }
    }

    private sealed class StepDto
    {
        public string? Instrument { get; set; }
        public string? Version { get; set; }
        public EveryDto? Every { get; set; }
        public List<int>? OnDays { get; set; }
        public List<int>? Months { get; set; }
        public double? OpenHours { get; set; }
        public List<double>? ReminderHours { get; set; }
    }

    private sealed class EveryDto
    {
        public int FromDay { get; set; }
        public int ToDay { get; set; }
        public int Days { get; set; }
    }
#pragma warning restore CA1812
}
