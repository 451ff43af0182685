using System.Text.RegularExpressions;

namespace Surveys.Hosting.Observability;

/// <summary>
/// A patient's link (<c>/s/{token}/…</c>) opens that patient's survey, so its token never reaches a log or a trace: every
/// path, scope, message and exception text written by any service passes through <see cref="Redact"/>, which writes
/// <c>/s/[link]</c> in place of the token. The one place that knows what a link looks like.
/// </summary>
public static partial class LinkRedaction
{
    public const string Marker = "/s/[link]";

    /// <summary>The text with every link token replaced; the same instance when there is nothing to replace.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return MayHoldLink(text) ? LinkToken().Replace(text, Marker) : text;
    }

    /// <summary>Cheap test before the regular expression: a link always has "/s/" (or its encoded form).</summary>
    public static bool MayHoldLink(string? text) =>
        text is not null && (text.Contains("/s/", StringComparison.Ordinal) || text.Contains("%2Fs%2F", StringComparison.OrdinalIgnoreCase));

    // "/s/" (plain or percent-encoded) and the token after it, up to the next separator; "[link]" itself is left alone.
    [GeneratedRegex(@"(/|%2F)s(/|%2F)(?!\[link\])[^/?#\s""'<>\\]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LinkToken();
}
