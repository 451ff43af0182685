using System.Text.Json;
using Surveys.Hosting;

namespace Surveys.UnitTests.Hosting;

/// <summary>Issue 20, item 2: an answer is read only when the decimal is exactly the number written (1e-400 is not 0).</summary>
public class ExactDecimalConverterTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Converters = { new ExactDecimalConverter() } };

    [TestCase("0", 0)]
    [TestCase("-0", 0)]
    [TestCase("2", 2)]
    [TestCase("2.50", 2.5)]
    [TestCase("1e0", 1)]
    [TestCase("25E-1", 2.5)]
    [TestCase("0.0000000000000000000000000001", 1e-28)]
    public void Reads_a_number_a_decimal_holds_exactly(string text, double expected)
    {
        Assert.That(ExactDecimalConverter.TryParseExact(text, out var value), Is.True);
        Assert.That(value, Is.EqualTo((decimal)expected));
    }

    [TestCase("1e-400")]
    [TestCase("0.00000000000000000000000000001")]
    [TestCase("1.00000000000000000000000000001")]
    [TestCase("1e400")]
    [TestCase("1e99999999999999999999")]
    [TestCase(" 1")]
    [TestCase("+1")]
    [TestCase("0x10")]
    [TestCase("1,5")]
    public void Refuses_a_number_it_would_change_or_that_is_not_JSON(string text) =>
        Assert.That(ExactDecimalConverter.TryParseExact(text, out _), Is.False);

    [Test]
    public void Answers_read_exactly_through_the_web_defaults()
    {
        var answers = JsonSerializer.Deserialize<Dictionary<string, decimal?>>("{\"1\":2,\"2\":\"3\",\"3\":null,\"4\":1.5}", Web)!;
        Assert.That(answers, Is.EqualTo(new Dictionary<string, decimal?> { ["1"] = 2, ["2"] = 3, ["3"] = null, ["4"] = 1.5m }));
        Assert.That(() => JsonSerializer.Deserialize<Dictionary<string, decimal?>>("{\"1\":1e-400}", Web), Throws.InstanceOf<JsonException>());
        Assert.That(() => JsonSerializer.Deserialize<Dictionary<string, decimal?>>("{\"1\":\"1e-400\"}", Web), Throws.InstanceOf<JsonException>());
        Assert.That(() => JsonSerializer.Deserialize<Dictionary<string, decimal?>>("{\"1\":\"two\"}", Web), Throws.InstanceOf<JsonException>());
        Assert.That(JsonSerializer.Serialize(new Dictionary<string, decimal?> { ["1"] = 2.5m }, Web), Is.EqualTo("{\"1\":2.5}"));
    }
}
