using Surveys.Intake.Data;

namespace Surveys.Intake.Patients;

public static class PatientsApi
{
    public sealed record PatientCreated(Guid Id);

    public static RouteGroupBuilder MapPatientsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/patients").WithTags("Patients");
        group.MapPost("/", CreatePatient).WithSummary("Enrol a patient under a new pseudonymous id.");
        return group;
    }

    private static async Task<Created<PatientCreated>> CreatePatient(IntakeStore store, TimeProvider time, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        await store.CreatePatientAsync(id, time.GetUtcNow(), ct);
        return TypedResults.Created($"/api/patients/{id}", new PatientCreated(id));
    }
}
