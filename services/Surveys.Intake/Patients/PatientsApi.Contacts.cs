using Surveys.Data.Audit;
using Surveys.Intake.Scheduling;

namespace Surveys.Intake.Patients;

public static partial class PatientsApi
{
    public sealed record ChangeContacts(IReadOnlyList<ContactRequest>? Contacts);

    /// <summary>Replaces the contacts, checked by the same rules as an enrolment's; the audit trail names the patient and the channels, never an address.</summary>
    private static async Task<Results<Ok<PatientResponse>, ValidationProblem, ProblemHttpResult>> PutContacts(
        Guid patientId, ChangeContacts? request, PatientStore store, ProtocolCatalog protocols, AuditLog audit, HttpContext context, TimeProvider time, CancellationToken ct)
    {
        var (errors, checkedContacts) = Validate(new EnrolPatient(null, null, null, null, null, request?.Contacts), protocols, patientId, time.GetUtcNow());
        if (checkedContacts is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The contacts cannot be changed");
        }

        if (!await store.ReplaceContactsAsync(patientId, checkedContacts.Contacts, ct))
        {
            return NotFound(patientId);
        }

        await audit.RecordAsync(context, "patient_contacts_change", $"{patientId} ({string.Join(",", checkedContacts.Contacts.Select(c => c.Channel))})");
        var patient = await store.GetPatientAsync(patientId, ct);
        return TypedResults.Ok(new PatientResponse(patient!.Id, patient.DisplayName, patient.Language, patient.TimeZone, patient.IndexDate, patient.Protocol, patient.CreatedAt, patient.Contacts));
    }
}
