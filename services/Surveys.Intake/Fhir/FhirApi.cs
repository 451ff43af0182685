using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using Surveys.Data.Audit;
using Surveys.Instruments;
using Surveys.Intake.Invitations;
using Surveys.Intake.Submissions;
using Surveys.Web.Security;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;

namespace Surveys.Intake.Fhir;

/// <summary>
/// FHIR R4 at <c>/fhir</c> (docs/fhir.md): Questionnaires (public), submitting a QuestionnaireResponse with the
/// invitation token (through the same accept path as the survey pages), and nurses' reads of responses and scores.
/// </summary>
public static partial class FhirApi
{
    private const int MaxBodyBytes = 64 * 1024; // the server's limit for every body (ServiceDefaults)
    private const string TooLarge = "A QuestionnaireResponse may be at most 64 KB.";

    public static WebApplicationBuilder AddFhir(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<FhirStore>();
        builder.Services.AddSingleton(sp => new FhirMapper(
            new Uri(sp.GetRequiredService<IOptions<IntakeOptions>>().Value.PublicBaseUrl, "fhir"), sp.GetRequiredService<InstrumentCatalog>()));
        return builder;
    }

    public static IEndpointRouteBuilder MapFhir(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir").WithTags("FHIR");
        fhir.MapGet("/Questionnaire", SearchQuestionnaires).AllowAnonymous().RequireRateLimiting(RateLimits.Links)
            .WithSummary("Every instrument as a FHIR Questionnaire (searchset Bundle); _id, name, title, url narrow it.");
        fhir.MapGet("/Questionnaire/{id}", ReadQuestionnaire).AllowAnonymous().RequireRateLimiting(RateLimits.Links)
            .WithSummary("One instrument (its current version) as a FHIR Questionnaire.");
        fhir.MapPost("/QuestionnaireResponse", SubmitResponse).AllowAnonymous().RequireRateLimiting(RateLimits.Links)
            .WithSummary("Submit a patient's answers as a QuestionnaireResponse whose identifier (system urn:surveys:invitation-token) is the link token.");
        fhir.MapGet("/QuestionnaireResponse/{id}", ReadResponse).RequireAuthorization(Roles.Nurse)
            .WithSummary("A stored submission as a QuestionnaireResponse.");
        fhir.MapGet("/Observation", SearchObservations).RequireAuthorization(Roles.Nurse)
            .WithSummary("A patient's scores as Observations: subject=Patient/{id} (required), code=[system|]code.");
        fhir.MapGet("/Observation/{id}", ReadObservation).RequireAuthorization(Roles.Nurse)
            .WithSummary("One submission's score as an Observation.");
        return app;
    }

    private static IResult ReadQuestionnaire(string id, FhirMapper mapper) =>
        mapper.FindQuestionnaire(id) is { } definition
            ? FhirResults.Resource(mapper.ToQuestionnaire(definition))
            : NotFound("Questionnaire", id);

    private static IResult SearchQuestionnaires(HttpContext context, FhirMapper mapper)
    {
        var query = context.Request.Query;
        var current = mapper.Catalog.All.GroupBy(d => d.Id, StringComparer.Ordinal).Select(g => mapper.ToQuestionnaire(g.Last()));
        var matches = current.Where(q =>
            Matches(query["_id"], v => q.Id == v)
            && Matches(query["url"], v => q.Url == v || $"{q.Url}|{q.Version}" == v)
            && Matches(query["name"], v => q.Name?.StartsWith(v, StringComparison.OrdinalIgnoreCase) == true)
            && Matches(query["title"], v => q.Title?.StartsWith(v, StringComparison.OrdinalIgnoreCase) == true));
        return FhirResults.Resource(SearchSet(mapper, context, matches));
    }

    /// <summary>Every given value of a parameter must hold (AND); a comma in one value means any of them (OR).</summary>
    private static bool Matches(Microsoft.Extensions.Primitives.StringValues values, Func<string, bool> test) =>
        values.All(v => v is null || v.Split(',').Any(test));

    private static async Task<IResult> SubmitResponse(
        HttpContext context, InvitationStore invitations, SubmissionStore store, ScoringEngine engine, FhirMapper mapper, TimeProvider time, ILogger<FhirMapper> logger, CancellationToken ct)
    {
        var (response, rejected) = await ReadResponseAsync(context, ct);
        if (response is null)
        {
            LogRejected(logger, "unreadable resource");
            return rejected!;
        }

        if (response.Identifier is not { System: FhirCodes.InvitationToken, Value: { Length: > 0 } token })
        {
            LogRejected(logger, "no invitation token");
            return FhirResults.Outcome(StatusCodes.Status422UnprocessableEntity, IssueType.Required, [("QuestionnaireResponse.identifier",
                $"Give the invitation token from the survey link as QuestionnaireResponse.identifier, with system '{FhirCodes.InvitationToken}'.")]);
        }

        var invitation = await Acceptance.FindAsync(invitations, token, ct);
        if (invitation is null)
        {
            LogRejected(logger, "unknown token");
            return FhirResults.Outcome(StatusCodes.Status404NotFound, IssueType.NotFound,
                "This survey link is not valid. Check that the whole link was copied, or ask the clinic for a new one.");
        }

        var now = time.GetUtcNow();
        if (Acceptance.ClosedOutcome(invitation, now) is { } closed)
        {
            LogClosed(logger, closed);
            return Closed(closed);
        }

        var definition = mapper.Catalog.Find(invitation.Instrument, invitation.DefinitionVersion)!;
        if (CheckResource(response, definition, mapper) is { } problem)
        {
            LogRejected(logger, "questionnaire or status");
            return FhirResults.Outcome(StatusCodes.Status422UnprocessableEntity, IssueType.Invalid, [problem]);
        }

        var (answers, problems) = FhirMapper.ReadAnswers(response, definition);
        if (problems.Count > 0)
        {
            LogRejected(logger, "answers not readable");
            return FhirResults.Outcome(StatusCodes.Status422UnprocessableEntity, IssueType.Invalid, problems.Select(p => (ItemPath(p.LinkId), p.Message)));
        }

        var result = await Acceptance.AcceptAsync(store, engine, invitation, answers, now, "fhir", ct);
        if (result.Outcome == SubmitOutcome.Invalid)
        {
            var unanswered = result.Errors.All(e => e.Unanswered);
            LogRejected(logger, unanswered ? "questions unanswered" : "answers invalid");
            return FhirResults.Outcome(StatusCodes.Status422UnprocessableEntity, unanswered ? IssueType.Required : IssueType.Invalid,
                result.Errors.Select(e => (ItemPath(e.Item), e.Item is null ? e.Message : $"Item '{e.Item}': {e.Message}.")));
        }

        if (result.Submission is not { } submitted)
        {
            LogClosed(logger, result.Outcome);
            return Closed(result.Outcome);
        }

        LogAccepted(logger, submitted.SubmissionId, submitted.Instrument);
        var stored = new StoredSubmission(
            submitted.SubmissionId, submitted.PatientId, submitted.Instrument, submitted.DefinitionVersion, submitted.Answers, submitted.SubmittedAt);
        return FhirResults.Resource(mapper.ToResponse(stored), StatusCodes.Status201Created, $"{mapper.Base}/QuestionnaireResponse/{submitted.SubmissionId}");
    }

    /// <summary>Reads the body as a QuestionnaireResponse, or says why it is not one.</summary>
    private static async Task<(QuestionnaireResponse? Response, IResult? Rejected)> ReadResponseAsync(HttpContext context, CancellationToken ct)
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, FhirResults.ContentType, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, FhirResults.Outcome(StatusCodes.Status415UnsupportedMediaType, IssueType.NotSupported,
                $"Send the QuestionnaireResponse as {FhirResults.ContentType} (or application/json)."));
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return (null, FhirResults.Outcome(StatusCodes.Status413PayloadTooLarge, IssueType.TooLong, TooLarge));
        }

        using var reader = new StreamReader(context.Request.Body);
        var buffer = new char[MaxBodyBytes + 1];
        int length;
        try
        {
            length = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        }
        catch (BadHttpRequestException bad) // a body without a length that runs past the server's limit, or cut short
        {
            return (null, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? FhirResults.Outcome(StatusCodes.Status413PayloadTooLarge, IssueType.TooLong, TooLarge)
                : FhirResults.Outcome(StatusCodes.Status400BadRequest, IssueType.Structure, "The request body could not be read."));
        }

        if (length > MaxBodyBytes)
        {
            return (null, FhirResults.Outcome(StatusCodes.Status413PayloadTooLarge, IssueType.TooLong, TooLarge));
        }

        var body = new string(buffer, 0, length);
        if (!FhirResults.TryParse(body, out var resource, out var errors))
        {
            return (null, FhirResults.Outcome(StatusCodes.Status400BadRequest, IssueType.Structure,
                errors.Take(20).Select(e => ((string?)null, $"Not a valid FHIR R4 resource: {e}"))));
        }

        return resource is QuestionnaireResponse response
            ? (response, null)
            : (null, FhirResults.Outcome(StatusCodes.Status400BadRequest, IssueType.Invalid,
                $"Expected resourceType QuestionnaireResponse, not {resource?.TypeName ?? "nothing"}."));
    }

    /// <summary>The resource must answer the invitation's questionnaire (and version, when it names one) and be completed.</summary>
    private static (string? Expression, string Message)? CheckResource(QuestionnaireResponse response, InstrumentDefinition definition, FhirMapper mapper)
    {
        if (string.IsNullOrEmpty(response.Questionnaire))
        {
            return ("QuestionnaireResponse.questionnaire", $"Name the questionnaire answered, e.g. '{mapper.QuestionnaireUrl(definition.Id)}'.");
        }

        var parts = response.Questionnaire.Split('|', 2);
        var reference = parts[0];
        var id = reference[(reference.LastIndexOf('/') + 1)..];
        var known = reference == mapper.QuestionnaireUrl(id) || reference == $"Questionnaire/{id}";
        if (!known || mapper.FindQuestionnaire(id) is null)
        {
            return ("QuestionnaireResponse.questionnaire", $"Unknown questionnaire '{response.Questionnaire}'. GET {mapper.Base}/Questionnaire lists them.");
        }

        if (id != FhirMapper.ResourceId(definition.Id))
        {
            return ("QuestionnaireResponse.questionnaire", $"This invitation is for questionnaire '{FhirMapper.ResourceId(definition.Id)}', not '{id}'.");
        }

        if (parts.Length == 2 && mapper.FindQuestionnaire(id, parts[1]) != definition)
        {
            return ("QuestionnaireResponse.questionnaire", $"This invitation is for version {definition.Version} of '{id}', not {parts[1]}.");
        }

        return response.Status == QuestionnaireResponse.QuestionnaireResponseStatus.Completed
            ? null
            : ("QuestionnaireResponse.status", "Only a completed QuestionnaireResponse can be submitted (status 'completed').");
    }

    private static string? ItemPath(string? linkId) => linkId is null ? null : $"QuestionnaireResponse.item.where(linkId='{linkId}')";

    private static IResult Closed(SubmitOutcome outcome) => outcome switch
    {
        SubmitOutcome.Answered => FhirResults.Outcome(StatusCodes.Status409Conflict, IssueType.Duplicate,
            "This survey has already been answered with this link. Thank you: there is nothing more to do."),
        SubmitOutcome.Replaced => FhirResults.Outcome(StatusCodes.Status410Gone, IssueType.Expired,
            "A newer link for this survey was sent. Use the link in the most recent message."),
        _ => FhirResults.Outcome(StatusCodes.Status410Gone, IssueType.Expired,
            "This survey link has expired. Ask the clinic for a new one if you still want to answer."),
    };

    private static async Task<IResult> ReadResponse(string id, FhirStore store, FhirMapper mapper, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var submission = Guid.TryParse(id, out var submissionId) ? await store.FindAsync(submissionId, ct) : null;
        if (submission is null)
        {
            return NotFound("QuestionnaireResponse", id);
        }

        await audit.RecordAsync(context, "fhir_response_view", submission.PatientId.ToString());
        return FhirResults.Resource(mapper.ToResponse(submission));
    }

    private static async Task<IResult> ReadObservation(string id, FhirStore store, FhirMapper mapper, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var submission = Guid.TryParse(id, out var submissionId) ? await store.FindAsync(submissionId, ct) : null;
        if (submission is null || mapper.ToObservation(submission) is not { } observation)
        {
            return NotFound("Observation", id);
        }

        await audit.RecordAsync(context, "fhir_observation_view", submission.PatientId.ToString());
        return FhirResults.Resource(observation);
    }

    private static async Task<IResult> SearchObservations(HttpContext context, FhirStore store, FhirMapper mapper, AuditLog audit, CancellationToken ct)
    {
        var query = context.Request.Query;
        var subject = query["subject"].FirstOrDefault() ?? query["patient"].FirstOrDefault();
        var patient = subject?.StartsWith("Patient/", StringComparison.Ordinal) == true ? subject["Patient/".Length..] : subject;
        if (!Guid.TryParse(patient, out var patientId))
        {
            return FhirResults.Outcome(StatusCodes.Status400BadRequest, IssueType.Required,
                "Search Observations of one patient: subject=Patient/{id} (or patient={id}), the pseudonymous patient id.");
        }

        await audit.RecordAsync(context, "fhir_observation_search", patientId.ToString());
        var observations = (await store.ForPatientAsync(patientId, ct))
            .Select(mapper.ToObservation)
            .OfType<Observation>()
            .Where(o => Matches(query["code"], token => FhirMapper.MatchesToken(o.Code, token)));
        return FhirResults.Resource(SearchSet(mapper, context, observations));
    }

    private static Bundle SearchSet(FhirMapper mapper, HttpContext context, IEnumerable<Resource> resources)
    {
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString(),
            Type = Bundle.BundleType.Searchset,
            Link = [new Bundle.LinkComponent { Relation = "self", Url = $"{mapper.Base}{context.Request.Path.Value?["/fhir".Length..]}{context.Request.QueryString}" }],
        };
        foreach (var resource in resources)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{mapper.Base}/{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        bundle.Total = bundle.Entry.Count;
        return bundle;
    }

    private static IResult NotFound(string type, string id) =>
        FhirResults.Outcome(StatusCodes.Status404NotFound, IssueType.NotFound, $"No {type} has the id '{id}'.");

    [LoggerMessage(Level = LogLevel.Information, Message = "FHIR QuestionnaireResponse rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "FHIR QuestionnaireResponse rejected: the link is {Outcome}")]
    private static partial void LogClosed(ILogger logger, SubmitOutcome outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "FHIR QuestionnaireResponse accepted as submission {SubmissionId} ({Instrument})")]
    private static partial void LogAccepted(ILogger logger, Guid submissionId, string instrument);
}
