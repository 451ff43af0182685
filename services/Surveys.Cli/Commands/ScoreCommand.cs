using System.CommandLine;
using Surveys.Instruments;

namespace Surveys.Cli.Commands;

/// <summary>
/// <c>surveys score</c>: reads JSON Lines on standard input, one <c>{"instrument": "phq9", "answers": {"1": 2, ...}}</c>
/// per line, and writes exactly one JSON line per input line, in order. See <see cref="JsonLinesScorer"/>.
/// </summary>
public static class ScoreCommand
{
    public static Command Create()
    {
        var definitions = DefinitionsOption.Create();
        var command = new Command("score", "Score JSON Lines from standard input; one JSON result line per input line.")
        {
            definitions,
        };
        command.SetAction(parse =>
        {
            var catalog = DefinitionsOption.Load(parse.GetValue(definitions), Console.Error);
            if (catalog is null) return 2;
            using var input = Console.OpenStandardInput();
            using var output = Console.OpenStandardOutput();
            Run(input, output, new ScoringEngine(catalog));
            return 0;
        });
        return command;
    }

    /// <summary>Scores every line of <paramref name="input"/> to <paramref name="output"/> (UTF-8 streams). Returns the line count.</summary>
    public static long Run(Stream input, Stream output, ScoringEngine engine)
    {
        using var scorer = new JsonLinesScorer(engine);
        return scorer.Run(input, output);
    }

    /// <summary>The same over text, for tests and in-process callers. Returns the line count.</summary>
    public static long Run(TextReader input, TextWriter output, ScoringEngine engine)
    {
        using var scorer = new JsonLinesScorer(engine);
        return scorer.Run(input, output);
    }
}
