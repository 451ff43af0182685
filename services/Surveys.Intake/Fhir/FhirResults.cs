using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Surveys.Intake.Fhir;

/// <summary>FHIR JSON in and out: resources are written as application/fhir+json; failures as an OperationOutcome.</summary>
public static class FhirResults
{
    public const string ContentType = "application/fhir+json";

    private static readonly FhirJsonSerializer Serializer = new();

    // Strict: unknown elements, wrong types and invalid values are errors, as the resource is clinical data.
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    public static string Serialize(Resource resource) => Serializer.SerializeToString(resource);

    /// <summary>Parses FHIR R4 JSON strictly; on failure, the parser's reasons.</summary>
    public static bool TryParse(string json, out Resource? resource, out IReadOnlyList<string> errors)
    {
        try
        {
            if (Deserializer.TryDeserializeResource(json, out var parsed, out var issues))
            {
                (resource, errors) = (parsed, []);
                return true;
            }

            (resource, errors) = (null, [.. issues.Select(i => i.Message)]);
        }
        catch (System.Text.Json.JsonException e)
        {
            (resource, errors) = (null, [e.Message]);
        }

        if (errors.Count == 0)
        {
            errors = ["The body is not a FHIR resource."];
        }

        return false;
    }

    public static IResult Resource(Resource resource, int status = StatusCodes.Status200OK, string? location = null) =>
        new FhirResult(resource, status, location);

    /// <summary>An OperationOutcome with one error issue per problem (a FHIRPath expression names the element when known).</summary>
    public static IResult Outcome(int status, OperationOutcome.IssueType code, IEnumerable<(string? Expression, string Message)> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var outcome = new OperationOutcome();
        foreach (var (expression, message) in problems)
        {
            var issue = new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = code,
                Diagnostics = message,
                Details = new CodeableConcept { Text = message },
            };
            if (expression is not null)
            {
                issue.Expression = [expression];
            }

            outcome.Issue.Add(issue);
        }

        return new FhirResult(outcome, status, null);
    }

    public static IResult Outcome(int status, OperationOutcome.IssueType code, string message) => Outcome(status, code, [(null, message)]);

    private sealed class FhirResult(Resource resource, int status, string? location) : IResult
    {
        public async System.Threading.Tasks.Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = $"{ContentType}; charset=utf-8";
            if (location is not null)
            {
                httpContext.Response.Headers.Location = location;
            }

            await httpContext.Response.WriteAsync(Serialize(resource), httpContext.RequestAborted);
        }
    }
}
