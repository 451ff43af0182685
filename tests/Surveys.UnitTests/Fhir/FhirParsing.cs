using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Surveys.UnitTests.Fhir;

/// <summary>Parses what the service emits with the Firely SDK in strict mode, as a receiving system would.</summary>
internal static class FhirParsing
{
    private static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    private static readonly FhirJsonSerializer Serializer = new();

    /// <summary>Serializes <paramref name="resource"/> and parses it back strictly; fails the test on any parser issue.</summary>
    public static T RoundTrip<T>(T resource)
        where T : Resource => Parse<T>(Serializer.SerializeToString(resource));

    /// <summary>The value of an extension that must be present.</summary>
    public static T Extension<T>(Element element, string url)
        where T : DataType =>
        element.GetExtension(url)?.Value as T ?? throw new AssertionException($"No {typeof(T).Name} extension {url}");

    public static T Parse<T>(string json)
        where T : Resource
    {
        var ok = Strict.TryDeserializeResource(json, out var parsed, out var issues);
        Assert.That(ok, Is.True, () => string.Join("; ", issues.Select(i => i.Message)));
        return parsed as T ?? throw new AssertionException($"Expected {typeof(T).Name}, got {parsed?.TypeName}");
    }
}
