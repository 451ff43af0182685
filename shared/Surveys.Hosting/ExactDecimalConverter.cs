using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Surveys.Hosting;

/// <summary>
/// Reads a JSON number as a decimal only when the decimal is exactly the number written: <c>1e-400</c> is not 0 and
/// <c>0.00000000000000000000000000001</c> is not 0, they are refused (400). A number written as a string (<c>"2"</c>)
/// is still read, as ASP.NET Core's web defaults do, by the same rule. Writing is unchanged.
/// </summary>
public sealed partial class ExactDecimalConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = reader.TokenType switch
        {
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
            JsonTokenType.String when options.NumberHandling.HasFlag(JsonNumberHandling.AllowReadingFromString) => reader.GetString()!,
            _ => throw new JsonException("Expected a number."),
        };
        return TryParseExact(text, out var value) ? value : throw new JsonException("Not a number that can be read exactly.");
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value);
    }

    /// <summary>A JSON number whose value a decimal holds exactly (1, 1.0, 1e0, 2.5, -0 are read; 1e-400, 1e400 are not).</summary>
    public static bool TryParseExact(string text, out decimal value)
    {
        value = 0;
        return JsonNumber().IsMatch(text)
            && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && Canonical(text) is { } written
            && written == Canonical(value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Sign, significant digits and exponent (e.g. "-25e-1" for -2.50), or null for an exponent out of range.</summary>
    private static string? Canonical(string number)
    {
        var match = JsonNumber().Match(number);
        if (!match.Success || !long.TryParse(match.Groups["exp"].ValueSpan is { Length: > 0 } e ? e : "0", NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent))
        {
            return null;
        }

        var fraction = match.Groups["frac"].Value;
        var digits = (match.Groups["int"].Value + fraction).TrimStart('0');
        exponent -= fraction.Length;
        var significant = digits.TrimEnd('0');
        exponent += digits.Length - significant.Length;
        return significant.Length == 0 ? "0" : $"{match.Groups["sign"].Value}{significant}e{exponent}";
    }

    [GeneratedRegex(@"^(?<sign>-?)(?<int>\d+)(\.(?<frac>\d+))?([eE](?<exp>[+-]?\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();
}
