namespace Surveys.Intake.Submissions;

/// <summary>
/// Submissions: the one way answers are accepted (<see cref="Acceptance"/>, used by the survey pages, FHIR and
/// <c>/api/responses</c>), their status, and the score each one received (<see cref="SurveyScoredConsumer"/>).
/// </summary>
public static class AcceptanceFeature
{
    public static IHostApplicationBuilder AddSubmissions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<SubmissionStore>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSubmissions(this IEndpointRouteBuilder app)
    {
        app.MapResponsesApi();
        return app;
    }
}
