using System.Globalization;
using System.Reflection;

namespace Surveys.Instruments;

/// <summary>A validated set of instrument definitions.</summary>
public sealed class InstrumentCatalog
{
    private const string ResourcePrefix = "definitions/";
    private static readonly Lazy<InstrumentCatalog> Embedded = new(LoadEmbeddedCore, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, InstrumentDefinition[]> _byId; // each array sorted by version, highest last

    private InstrumentCatalog(IReadOnlyList<InstrumentDefinition> all)
    {
        All = all;
        _byId = all
            .GroupBy(d => d.Id, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => g.OrderBy(d => System.Version.Parse(NormaliseVersion(d.Version))).ToArray(),
                StringComparer.Ordinal);
    }

    /// <summary>Every definition, ordered by id then version.</summary>
    public IReadOnlyList<InstrumentDefinition> All { get; }

    /// <summary>The definitions shipped in this assembly (loaded and validated once, then cached).</summary>
    public static InstrumentCatalog LoadEmbedded() => Embedded.Value;

    /// <summary>Loads and validates every *.json file in <paramref name="path"/> (not recursive).</summary>
    public static InstrumentCatalog LoadFromDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Directory.Exists(path))
        {
            throw new InstrumentDefinitionException(path, "definitions folder does not exist");
        }

        var files = Directory.GetFiles(path, "*.json", SearchOption.TopDirectoryOnly);
        Array.Sort(files, StringComparer.Ordinal);
        return FromSources(files.Select(f => (f, File.ReadAllText(f))));
    }

    /// <summary>Loads definitions from (source name, JSON text) pairs; the source name is used in error messages.</summary>
    public static InstrumentCatalog FromSources(IEnumerable<(string Source, string Json)> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var list = new List<InstrumentDefinition>();
        var seen = new Dictionary<(string, string), string>();
        foreach (var (source, json) in sources)
        {
            var def = DefinitionLoader.Load(source, json);
            var key = (def.Id, NormaliseVersion(def.Version));
            if (seen.TryGetValue(key, out var other))
            {
                throw new InstrumentDefinitionException(source,
                    string.Create(CultureInfo.InvariantCulture, $"instrument '{def.Id}' version {def.Version} is also defined in {other}"));
            }

            seen.Add(key, source);
            list.Add(def);
        }

        list.Sort((a, b) =>
        {
            var c = string.CompareOrdinal(a.Id, b.Id);
            return c != 0 ? c : System.Version.Parse(NormaliseVersion(a.Version)).CompareTo(System.Version.Parse(NormaliseVersion(b.Version)));
        });
        return new InstrumentCatalog(list);
    }

    /// <summary>
    /// The definition with this id; with <paramref name="version"/> null, the current (highest) version.
    /// Null when there is no such instrument or version.
    /// </summary>
    public InstrumentDefinition? Find(string id, string? version = null)
    {
        if (id is null || !_byId.TryGetValue(id, out var versions)) return null;
        if (version is null) return versions[^1];
        foreach (var d in versions)
        {
            if (string.Equals(d.Version, version, StringComparison.Ordinal)) return d;
        }

        // "1.0" finds "1.0.0" and vice versa.
        if (System.Version.TryParse(NormaliseVersion(version), out var wanted))
        {
            foreach (var d in versions)
            {
                if (System.Version.Parse(NormaliseVersion(d.Version)) == wanted) return d;
            }
        }

        return null;
    }

    internal static string NormaliseVersion(string v)
    {
        // System.Version treats 1.0 and 1.0.0 as different; pad to three parts so they compare equal.
        var parts = v.Split('.');
        return parts.Length switch
        {
            1 => v + ".0.0",
            2 => v + ".0",
            _ => v,
        };
    }

    private static InstrumentCatalog LoadEmbeddedCore()
    {
        var asm = typeof(InstrumentCatalog).Assembly;
        var names = asm.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        return FromSources(names.Select(n => (n, ReadResource(asm, n))));
    }

    private static string ReadResource(Assembly asm, string name)
    {
        using var stream = asm.GetManifestResourceStream(name)
            ?? throw new InstrumentDefinitionException(name, "embedded resource is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
