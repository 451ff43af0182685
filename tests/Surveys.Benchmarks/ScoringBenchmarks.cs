using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Surveys.Cli.Commands;
using Surveys.Instruments;

namespace Surveys.Benchmarks;

/// <summary>The scoring engine per response, and the JSON Lines scorer per 1,000 lines (in memory, no process start).</summary>
[ShortRunJob(RuntimeMoniker.Net10_0)]
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private ScoringEngine _engine = null!;
    private Dictionary<string, decimal?> _phq9 = null!;
    private Dictionary<string, decimal?> _phq9Prorated = null!;
    private Dictionary<string, decimal?> _paid20 = null!;
    private Dictionary<string, decimal?> _diary = null!;
    private Dictionary<string, decimal?> _invalid = null!;
    private byte[] _lines = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new ScoringEngine(InstrumentCatalog.LoadEmbedded());
        _phq9 = Answers(1, 2, 0, 3, 1, 2, 0, 1, 1);
        _phq9Prorated = Answers(1, 2, 0, 3, 1, 2, 0);
        _paid20 = Answers(3, 0, 1, 2, 0, 0, 1, 2, 4, 1, 2, 0, 4, 1, 2, 0, 3, 2, 0, 1);
        _diary = Answers(0, 1, 2, 0, 2, 2, 0, 0, 0, 1, 3, 0, 42.5m);
        _invalid = Answers(1, 2, 7, 3, 1, 2, 0, 1, 1);
        _lines = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 1000).Select(i => (i % 4) switch
        {
            0 => "{\"instrument\":\"phq9\",\"answers\":{\"1\":1,\"2\":2,\"3\":0,\"4\":3,\"5\":1,\"6\":2,\"7\":0,\"8\":1,\"9\":1}}\n",
            1 => "{\"instrument\":\"gad7\",\"answers\":{\"1\":0,\"2\":0,\"3\":1,\"4\":1,\"5\":0,\"6\":1}}\n",
            2 => "{\"instrument\":\"paid20\",\"answers\":{\"1\":3,\"2\":0,\"3\":1,\"4\":2,\"5\":0,\"6\":0,\"7\":1,\"8\":2,\"9\":4,\"10\":1,\"11\":2,\"12\":0,\"13\":4,\"14\":1,\"15\":2,\"16\":0,\"17\":3,\"18\":2,\"19\":0,\"20\":1}}\n",
            _ => "{\"instrument\":\"who5\",\"answers\":{\"1\":2,\"2\":2,\"3\":3,\"4\":2,\"5\":3}}\n",
        })));
    }

    private static Dictionary<string, decimal?> Answers(params decimal?[] values)
    {
        var d = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++) d[(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] = values[i];
        return d;
    }

    [Benchmark(Baseline = true)]
    public ScoreResult Phq9Complete() => _engine.Score("phq9", _phq9);

    [Benchmark]
    public ScoreResult Phq9Prorated() => _engine.Score("phq9", _phq9Prorated);

    [Benchmark]
    public ScoreResult Paid20() => _engine.Score("paid20", _paid20);

    [Benchmark]
    public ScoreResult Diary() => _engine.Score("t1d_diary", _diary);

    [Benchmark]
    public ScoreResult Phq9Invalid() => _engine.Score("phq9", _invalid);

    [Benchmark(OperationsPerInvoke = 1000)]
    public long JsonLinesPerLine()
    {
        using var input = new MemoryStream(_lines, writable: false);
        return ScoreCommand.Run(input, Stream.Null, _engine);
    }
}
