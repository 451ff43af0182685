using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.Testing;

/// <summary>RFC 7807 answers: the status, the problem+json media type, a status and a title in the body.</summary>
public static class Problems
{
    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo((int)expected));
        Assert.That(problem["title"]!.GetValue<string>(), Is.Not.Empty);
        return problem;
    }
}
