using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Surveys.Intake.Outcomes;

/// <summary>
/// An SVG <c>text</c> element (a chart's label). Written as a render tree because Razor reads a <c>text</c> tag in
/// markup as its own transition tag, not as an element; the label is encoded like any component text.
/// </summary>
public sealed class SvgLabel : ComponentBase
{
    [Parameter, EditorRequired] public string X { get; set; } = "";

    [Parameter, EditorRequired] public string Y { get; set; } = "";

    /// <summary>start, middle or end.</summary>
    [Parameter] public string Anchor { get; set; } = "start";

    [Parameter] public string Fill { get; set; } = "#0b0c0c";

    [Parameter, EditorRequired] public string Label { get; set; } = "";

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.OpenElement(0, "text");
        builder.AddAttribute(1, "x", X);
        builder.AddAttribute(2, "y", Y);
        builder.AddAttribute(3, "text-anchor", Anchor);
        builder.AddAttribute(4, "font-size", "12");
        builder.AddAttribute(5, "fill", Fill);
        builder.AddContent(6, Label);
        builder.CloseElement();
    }
}
