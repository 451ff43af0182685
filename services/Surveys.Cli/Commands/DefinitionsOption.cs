using System.CommandLine;
using Surveys.Instruments;

namespace Surveys.Cli.Commands;

/// <summary>The shared "--definitions DIR" option: score against definition files in a folder instead of the shipped ones.</summary>
internal static class DefinitionsOption
{
    public static Option<DirectoryInfo?> Create() => new("--definitions")
    {
        Description = "Folder of instrument definition *.json files to use instead of the shipped definitions.",
    };

    /// <summary>Loads the catalog; on a broken definition prints the fault and returns null (exit code 2).</summary>
    public static InstrumentCatalog? Load(DirectoryInfo? folder, TextWriter error)
    {
        try
        {
            return folder is null ? InstrumentCatalog.LoadEmbedded() : InstrumentCatalog.LoadFromDirectory(folder.FullName);
        }
        catch (InstrumentDefinitionException ex)
        {
            error.WriteLine("surveys: broken instrument definition: " + ex.Message);
            return null;
        }
    }
}
