namespace Surveys.Intake.Patients;

/// <summary>Patients: enrolment and details (<c>/api/patients</c>), contacts, and the directory staff search and read forms in.</summary>
public static class PatientsFeature
{
    public static IHostApplicationBuilder AddPatients(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<PatientStore>();
        builder.Services.AddSingleton<PatientDirectory>();
        return builder;
    }

    public static IEndpointRouteBuilder MapPatients(this IEndpointRouteBuilder app)
    {
        app.MapPatientsApi();
        app.MapPatientDirectoryApi();
        return app;
    }
}
