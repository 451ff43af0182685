using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Surveys.Data.Audit;
using Surveys.Instruments;
using Surveys.Web.Security;

namespace Surveys.Intake.Patients;

/// <summary>
/// The patient directory for nurses and admins (issue 21): find patients by name, clinic number or the start of their
/// id, page through them, and read the forms a patient sent with the questions and answers in words. Every read that
/// shows who a patient is, or what they answered, is audited.
/// </summary>
public static class PatientDirectoryApi
{
    public const int MaxPageSize = 100;
    public const int MaxIds = 100;
    public const int MaxQueryLength = 100;

    public sealed record PatientSummary(Guid Id, string? DisplayName, string? ClinicNumber, string? Protocol, DateTimeOffset CreatedAt);

    public sealed record PatientList(IReadOnlyList<PatientSummary> Items, int Page, int PageSize, int Total);

    /// <param name="Answer">The answer in words: the option's label, or the number entered.</param>
    public sealed record AnswerText(string Item, string Question, decimal? Value, string Answer);

    public sealed record FormAnswers(Guid SubmissionId, string Instrument, string InstrumentTitle, string DefinitionVersion, DateTimeOffset SubmittedAt, IReadOnlyList<AnswerText> Answers);

    public sealed record FormList(IReadOnlyList<FormAnswers> Items, int Page, int PageSize, int Total);

    /// <summary>Admins and nurses: the people who need to know who a patient is.</summary>
    public static void AdminOrNurse(AuthorizationPolicyBuilder policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.RequireRole(Roles.Admin, Roles.Nurse);
    }

    public static IEndpointRouteBuilder MapPatientDirectoryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/patients", Search)
            .WithTags("Patients")
            .RequireAuthorization(AdminOrNurse)
            .WithSummary("Find patients: q matches a name (any part, any case), a clinic number (whole) or the start of an id; id (repeatable) lists those patients; page and pageSize (at most 100) page through them, newest enrolment first.")
            .ProducesValidationProblem();
        app.MapGet("/api/patients/{patientId:guid}/answers", Answers)
            .WithTags("Patients")
            .RequireAuthorization(AdminOrNurse)
            .WithSummary("The forms a patient sent, newest first, each answer with its question and the answer in words; instrument narrows to one instrument (e.g. t1d_diary).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Reads page and pageSize; errors keyed by field.</summary>
    public static (int Page, int PageSize) Paging(string? page, string? pageSize, int defaultSize, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var number = 1;
        if (page is not null && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number < 1 || number > 100_000))
        {
            errors["page"] = ["Give the page as a whole number from 1."];
        }

        var size = defaultSize;
        if (pageSize is not null && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxPageSize))
        {
            errors["pageSize"] = [$"Give the page size as a whole number from 1 to {MaxPageSize}."];
        }

        return (number, size);
    }

    private static async Task<Results<Ok<PatientList>, ValidationProblem>> Search(
        string? q, string[]? id, string? page, string? pageSize, PatientDirectory directory, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (number, size) = Paging(page, pageSize, 20, errors);
        var text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        if (text is { Length: > MaxQueryLength } || text?.Any(char.IsControl) == true)
        {
            errors["q"] = [$"Search with at most {MaxQueryLength} characters on one line: a name, a clinic number or the start of an id."];
        }

        var ids = new List<Guid>();
        foreach (var value in id ?? [])
        {
            if (!Guid.TryParse(value, out var parsed))
            {
                errors["id"] = ["Give each id as a whole patient id, such as 0f8fad5b-d9cb-469f-a165-70867728950e."];
                break;
            }

            ids.Add(parsed);
        }

        if (ids.Count > MaxIds)
        {
            errors["id"] = [$"Ask for at most {MaxIds} ids at once."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The search cannot be done like that");
        }

        var (found, total) = await directory.SearchAsync(text, ids, number, size, ct);
        // Names and clinic numbers were shown: which patients, not what was typed (a search may itself be a name).
        await audit.RecordAsync(context, "patients_search", found.Count == 0 ? "none" : string.Join(' ', found.Select(p => p.Id)));
        return TypedResults.Ok(new PatientList(found.Select(p => new PatientSummary(p.Id, p.DisplayName, p.ClinicNumber, p.Protocol, p.CreatedAt)).ToList(), number, size, total));
    }

    private static async Task<Results<Ok<FormList>, ValidationProblem, ProblemHttpResult>> Answers(
        Guid patientId, string? instrument, string? page, string? pageSize, PatientDirectory directory, InstrumentCatalog catalog,
        AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (number, size) = Paging(page, pageSize, 20, errors);
        instrument = string.IsNullOrWhiteSpace(instrument) ? null : instrument.Trim();
        if (instrument is not null && catalog.Find(instrument) is null)
        {
            errors["instrument"] = [$"Name one of the instruments: {string.Join(", ", catalog.All.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal))}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The answers cannot be listed like that");
        }

        if (!await directory.ExistsAsync(patientId, ct))
        {
            return PatientsApi.NotFound(patientId);
        }

        var (forms, total) = await directory.FormsAsync(patientId, instrument, number, size, ct);
        await audit.RecordAsync(context, "patient_answers_view", patientId.ToString());
        return TypedResults.Ok(new FormList(forms.Select(f => Readable(f, catalog)).ToList(), number, size, total));
    }

    /// <summary>A sent form in words: the definition it was answered on gives each question and option its text.</summary>
    public static FormAnswers Readable(SubmittedForm form, InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(catalog);
        var definition = catalog.Find(form.Instrument, form.DefinitionVersion) ?? catalog.Find(form.Instrument);
        var order = definition?.Items.Select((item, i) => (item.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal) ?? [];
        var answers = form.Answers
            .OrderBy(a => order.GetValueOrDefault(a.Key, int.MaxValue))
            .ThenBy(a => a.Key, StringComparer.Ordinal)
            .Select(a =>
            {
                var item = definition?.FindItem(a.Key);
                var label = a.Value is { } value ? item?.Options.FirstOrDefault(o => o.Value == value)?.Label.En : null;
                var text = a.Value is null ? "Not answered" : label ?? a.Value.Value.ToString(CultureInfo.InvariantCulture);
                return new AnswerText(a.Key, item?.Text.En ?? $"Question {a.Key}", a.Value, text);
            })
            .ToList();
        return new FormAnswers(form.Id, form.Instrument, definition?.Title.En ?? form.Instrument, form.DefinitionVersion, form.SubmittedAt, answers);
    }
}
