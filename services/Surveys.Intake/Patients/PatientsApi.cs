using Surveys.Intake.Data;
using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Security;

namespace Surveys.Intake.Patients;

public static class PatientsApi
{
    public sealed record PatientCreated(Guid Id);

    public static RouteGroupBuilder MapPatientsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/patients").WithTags("Patients").RequireAuthorization(Roles.Admin);
        group.MapPost("/", CreatePatient).WithSummary("Enrol a patient under a new pseudonymous id.");
        return group;
    }

    private static async Task<Created<PatientCreated>> CreatePatient(IntakeStore store, AuditLog audit, HttpContext context, TimeProvider time, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        await store.CreatePatientAsync(id, time.GetUtcNow(), ct);
        await audit.RecordAsync(context, "patient_enrol", id.ToString());
        return TypedResults.Created($"/api/patients/{id}", new PatientCreated(id));
    }
}
