using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Surveys.UnitTests.Survey;

/// <summary>
/// Renders a page component the way the server does (<see cref="HtmlRenderer"/>) and reads the result as a document, so
/// tests look at text and attributes, never at markup written here.
/// </summary>
internal static class PageRender
{
    public static async Task<IDocument> RenderAsync<TComponent>(Dictionary<string, object?> parameters, string environment = "Production") where TComponent : IComponent
    {
        var services = new ServiceCollection()
            .AddSingleton<IHostEnvironment>(new Environment(environment))
            .AddSingleton<AntiforgeryStateProvider, FixedAntiforgery>()
            .BuildServiceProvider();
        await using var _ = services;
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        return Read(html);
    }

    /// <summary>A rendered page or file as a document.</summary>
    public static IDocument Read(string html) => new HtmlParser().ParseDocument(html);

    /// <summary>The text of the document's main content, with white space collapsed as a reader hears it.</summary>
    public static string MainText(IDocument page) => Collapse((page.QuerySelector("main") ?? page.Body!).TextContent);

    public static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-request-token", "__csrf");
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Surveys.Intake";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
