using Surveys.Instruments;

namespace Surveys.Instruments.Tests;

internal static class TestSupport
{
    public static readonly InstrumentCatalog Catalog = InstrumentCatalog.LoadEmbedded();
    public static readonly ScoringEngine Engine = new(Catalog);

    /// <summary>Answers for items "1", "2", ... in order; a null entry leaves that item unanswered (key absent).</summary>
    public static Dictionary<string, decimal?> Answers(params decimal?[] values)
    {
        var d = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } v) d[(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] = v;
        }

        return d;
    }

    public static ScoreResult Score(string instrument, params decimal?[] values) => Engine.Score(instrument, Answers(values));

    public static decimal?[] Repeat(decimal? value, int count) => Enumerable.Repeat(value, count).ToArray();

    public static string ShippedJson(string file)
    {
        using var s = typeof(InstrumentCatalog).Assembly.GetManifestResourceStream("definitions/" + file)
            ?? throw new InvalidOperationException("no embedded " + file);
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }
}
