using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Surveys.Instruments;

public static class InstrumentsRegistration
{
    /// <summary>
    /// The shipped instrument definitions and the one scoring engine. Definitions are loaded and
    /// validated here, so a broken one stops start-up with a message naming the file and the fault.
    /// </summary>
    public static IHostApplicationBuilder AddInstruments(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var catalog = InstrumentCatalog.LoadEmbedded();
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(new ScoringEngine(catalog));
        return builder;
    }
}
