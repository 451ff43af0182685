using System.Globalization;
using System.Text.RegularExpressions;
using Surveys.Data.Audit;
using Surveys.Intake.Scheduling;
using Surveys.Web.Security;

namespace Surveys.Intake.Patients;

public static partial class PatientsApi
{
    public sealed record ContactRequest(string? Channel, string? Address);

    /// <summary>Every field is optional: an empty body enrols a pseudonymous patient with no protocol.</summary>
    public sealed record EnrolPatient(
        string? DisplayName, string? Language, string? TimeZone, string? IndexDate, string? Protocol, IReadOnlyList<ContactRequest>? Contacts, string? ClinicNumber = null);

    public sealed record ChangeProtocol(string? Protocol, string? IndexDate);

    public sealed record PatientCreated(Guid Id);

    public sealed record PatientResponse(
        Guid Id, string? DisplayName, string Language, string TimeZone, string? IndexDate, string? Protocol, DateTimeOffset CreatedAt, IReadOnlyList<PatientContact> Contacts)
    {
        /// <summary>The clinic's own number for the patient, if it gave one.</summary>
        public string? ClinicNumber { get; init; }

        public static PatientResponse From(PatientDetails patient)
        {
            ArgumentNullException.ThrowIfNull(patient);
            return new(patient.Id, patient.DisplayName, patient.Language, patient.TimeZone, patient.IndexDate, patient.Protocol, patient.CreatedAt, patient.Contacts)
            {
                ClinicNumber = patient.ClinicNumber,
            };
        }
    }

    public sealed record ProtocolResponse(string Id, string Title, string SendAt, IReadOnlyList<string> Steps);

    public static readonly IReadOnlyList<string> Languages = ["en", "hi"];

    public static readonly IReadOnlyList<string> ContactChannels = ["email", "sms"];

    public static RouteGroupBuilder MapPatientsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/patients").WithTags("Patients").RequireAuthorization(Roles.Admin);
        group.MapPost("/", CreatePatient)
            .WithSummary("Enrol a patient under a new pseudonymous id; optionally with language, time zone, index date, protocol and contacts.")
            .ProducesValidationProblem();
        app.MapGet("/api/patients/{patientId:guid}", GetPatient)
            .WithTags("Patients")
            .RequireAuthorization(PatientDirectoryApi.AdminOrNurse)
            .WithSummary("A patient's enrolment details, contacts included (admins and nurses; every read is audited).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{patientId:guid}/protocol", PutProtocol)
            .WithSummary("Move a patient to a follow-up protocol (and index date).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{patientId:guid}/contacts", PutContacts)
            .WithSummary("Replace a patient's contacts (e-mail, SMS: each at most once); an empty list leaves none.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/protocols", (ProtocolCatalog protocols) => TypedResults.Ok(protocols.All.Select(p => new ProtocolResponse(
                p.Id, p.Title, p.SendAt.ToString("HH:mm", CultureInfo.InvariantCulture), p.Occurrences.Select(o => o.Key).ToList())).ToList()))
            .WithTags("Patients").RequireAuthorization(Roles.Admin).WithSummary("The follow-up protocols patients can be enrolled in.");
        return group;
    }

    /// <summary>Checks an enrolment; returns the errors keyed by field (empty when valid) and the patient to store.</summary>
    public static (Dictionary<string, string[]> Errors, PatientDetails? Patient) Validate(EnrolPatient? request, ProtocolCatalog protocols, Guid id, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(protocols);
        request ??= new EnrolPatient(null, null, null, null, null, null);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var displayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim();
        if (displayName is not null && (displayName.Length > 100 || displayName.Any(char.IsControl)))
        {
            errors["displayName"] = ["Give a display name of at most 100 characters, on one line."];
        }

        var clinicNumber = string.IsNullOrWhiteSpace(request.ClinicNumber) ? null : request.ClinicNumber.Trim();
        if (clinicNumber is not null && (clinicNumber.Length > 40 || clinicNumber.Any(char.IsControl)))
        {
            errors["clinicNumber"] = ["Give a clinic number of at most 40 characters, on one line."];
        }

        var language = string.IsNullOrWhiteSpace(request.Language) ? "en" : request.Language.Trim();
        if (!Languages.Contains(language, StringComparer.Ordinal))
        {
            errors["language"] = [$"Choose one of the languages: {string.Join(", ", Languages)}."];
        }

        var timeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? "UTC" : request.TimeZone.Trim();
        if (!IsTimeZone(timeZone))
        {
            errors["timeZone"] = ["Give an IANA time zone id such as Asia/Kolkata or Europe/London."];
        }

        var protocolId = string.IsNullOrWhiteSpace(request.Protocol) ? null : request.Protocol.Trim();
        var indexDate = ValidateProtocol(protocolId, request.IndexDate, protocols, now, errors);

        var contacts = new List<PatientContact>();
        foreach (var (contact, i) in (request.Contacts ?? []).Select((c, i) => (c, i)))
        {
            var channel = contact?.Channel?.Trim();
            var address = contact?.Address?.Trim();
            if (channel is null || !ContactChannels.Contains(channel, StringComparer.Ordinal))
            {
                errors[$"contacts[{i}].channel"] = [$"Choose one of the channels: {string.Join(", ", ContactChannels)}."];
            }
            else if (contacts.Any(c => string.Equals(c.Channel, channel, StringComparison.Ordinal)))
            {
                errors[$"contacts[{i}].channel"] = ["Give each channel once."];
            }
            else if (string.Equals(channel, "email", StringComparison.Ordinal) && (address is null || address.Length > 254 || !EmailPattern().IsMatch(address)))
            {
                errors[$"contacts[{i}].address"] = ["Give an e-mail address such as name@example.org."];
            }
            else if (string.Equals(channel, "sms", StringComparison.Ordinal) && (address is null || !PhonePattern().IsMatch(address)))
            {
                errors[$"contacts[{i}].address"] = ["Give a mobile number in international form, such as +919812345678."];
            }
            else
            {
                contacts.Add(new PatientContact(channel, address!));
            }
        }

        if (errors.Count > 0)
        {
            return (errors, null);
        }

        return (errors, new PatientDetails(id, displayName, language, timeZone, indexDate, protocolId, now, contacts) { ClinicNumber = clinicNumber });
    }

    private static string? ValidateProtocol(string? protocolId, string? indexDateText, ProtocolCatalog protocols, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (protocolId is not null && protocols.Find(protocolId) is null)
        {
            errors["protocol"] = [$"Choose one of the protocols: {string.Join(", ", protocols.All.Select(p => p.Id))}."];
        }

        if (string.IsNullOrWhiteSpace(indexDateText))
        {
            if (protocolId is not null)
            {
                errors["indexDate"] = ["Give the index date (e.g. the day of treatment) as yyyy-MM-dd: the protocol counts from it."];
            }

            return null;
        }

        if (!DateOnly.TryParseExact(indexDateText.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var indexDate))
        {
            errors["indexDate"] = ["Give the index date as yyyy-MM-dd, e.g. 2026-03-01."];
            return null;
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (indexDate < today.AddYears(-5) || indexDate > today.AddYears(1))
        {
            errors["indexDate"] = ["Give an index date within the last five years and at most a year ahead."];
            return null;
        }

        return indexDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public static bool IsTimeZone(string id) =>
        id.Length <= 64 && !string.Equals(id, "Local", StringComparison.Ordinal) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    private static async Task<Results<Created<PatientCreated>, ValidationProblem>> CreatePatient(
        EnrolPatient? request, PatientStore store, ProtocolCatalog protocols, FollowUpScheduler scheduler, AuditLog audit, HttpContext context, TimeProvider time, CancellationToken ct)
    {
        var (errors, patient) = Validate(request, protocols, Guid.NewGuid(), time.GetUtcNow());
        if (patient is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The enrolment cannot be accepted");
        }

        await store.CreatePatientAsync(patient, ct);
        await audit.RecordAsync(context, "patient_enrol", patient.Id.ToString());
        if (patient.Protocol is not null)
        {
            await scheduler.IssueDueAsync(patient.Id, ct);
        }

        return TypedResults.Created($"/api/patients/{patient.Id}", new PatientCreated(patient.Id));
    }

    private static async Task<Results<Ok<PatientResponse>, ProblemHttpResult>> GetPatient(Guid patientId, PatientStore store, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var patient = await store.GetPatientAsync(patientId, ct);
        if (patient is null)
        {
            return NotFound(patientId);
        }

        await audit.RecordAsync(context, "patient_view", patientId.ToString());
        return TypedResults.Ok(PatientResponse.From(patient));
    }

    private static async Task<Results<Ok<PatientResponse>, ValidationProblem, ProblemHttpResult>> PutProtocol(
        Guid patientId, ChangeProtocol request, PatientStore store, ProtocolCatalog protocols, FollowUpScheduler scheduler, AuditLog audit, HttpContext context,
        TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var protocolId = string.IsNullOrWhiteSpace(request.Protocol) ? null : request.Protocol.Trim();
        if (protocolId is null)
        {
            errors["protocol"] = [$"Choose one of the protocols: {string.Join(", ", protocols.All.Select(p => p.Id))}."];
        }

        var patient = await store.GetPatientAsync(patientId, ct);
        if (patient is null)
        {
            return NotFound(patientId);
        }

        // Without a new index date, the patient's own stays.
        var indexDate = ValidateProtocol(protocolId, request.IndexDate ?? patient.IndexDate, protocols, time.GetUtcNow(), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The protocol cannot be changed");
        }

        await store.ChangeProtocolAsync(patientId, protocolId!, indexDate!, ct);
        await audit.RecordAsync(context, "patient_protocol_change", $"{patientId} {protocolId}");
        await scheduler.IssueDueAsync(patientId, ct);
        patient = await store.GetPatientAsync(patientId, ct);
        return TypedResults.Ok(PatientResponse.From(patient!));
    }

    public static ProblemHttpResult NotFound(Guid patientId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Patient not found",
        detail: $"No patient has the id {patientId}. Create the patient first with POST /api/patients.");

    [GeneratedRegex(@"^[^@\s<>(),;:""\[\]]+@[^@\s<>(),;:""\[\]]+\.[^@\s<>(),;:""\[\]]+$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex PhonePattern();
}
