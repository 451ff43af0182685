using System.CommandLine;
using System.Globalization;

namespace Surveys.Cli.Commands;

/// <summary><c>surveys instruments</c>: lists the instrument definitions (id, version, title), validating them on the way.</summary>
public static class InstrumentsCommand
{
    public static Command Create()
    {
        var definitions = DefinitionsOption.Create();
        var command = new Command("instruments", "List the instrument definitions (id, version, title); exits 2 if one is broken.")
        {
            definitions,
        };
        command.SetAction(parse =>
        {
            var catalog = DefinitionsOption.Load(parse.GetValue(definitions), Console.Error);
            if (catalog is null) return 2;
            foreach (var d in catalog.All)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{d.Id}\t{d.Version}\t{d.Title.En}"));
            }

            return 0;
        });
        return command;
    }
}
