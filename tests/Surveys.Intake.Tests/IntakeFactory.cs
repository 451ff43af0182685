using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Contracts;
using Surveys.Instruments;
using Surveys.Data;
using Surveys.Testing;

namespace Surveys.Intake.Tests;

/// <summary>
/// Intake in-process with its first account ("admin", from Auth:BootstrapAdminPassword) and a nurse and an operator made
/// through POST /api/users, each signed in through POST /api/auth/token, as the system suite's RunningSystem does.
/// </summary>
public sealed class IntakeFactory(StorageEngine engine = StorageEngine.Sqlite, IDictionary<string, string?>? settings = null)
    : ServiceFactory<Program>(engine, settings)
{
    public string NursePassword { get; } = $"nurse-{Guid.NewGuid():N}";

    public string OperatorPassword { get; } = $"operator-{Guid.NewGuid():N}";

    /// <summary>Bearer tokens by role: admin, nurse, operator.</summary>
    public Dictionary<string, string> Tokens { get; } = [];

    /// <summary>An admin's client.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>A client with no credentials: a patient's side.</summary>
    public HttpClient Patient { get; private set; } = null!;

    public static async Task<IntakeFactory> StartAsync(StorageEngine engine = StorageEngine.Sqlite, IDictionary<string, string?>? settings = null)
    {
        var factory = new IntakeFactory(engine, settings);
        try
        {
            factory.Start();
            factory.Patient = factory.Anonymous();
            factory.Tokens["admin"] = await factory.TokenAsync("admin", factory.AdminPassword);
            factory.Admin = factory.WithToken(factory.Tokens["admin"]);
            foreach (var (user, role, password) in new[] { ("nurse1", "nurse", factory.NursePassword), ("operator1", "operator", factory.OperatorPassword) })
            {
                (await factory.Admin.PostAsJsonAsync("/api/users", new { userName = user, roles = new[] { role }, password })).EnsureSuccessStatusCode();
                factory.Tokens[role] = await factory.TokenAsync(user, password);
            }

            return factory;
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client signed in as <paramref name="role"/> (admin, nurse, operator).</summary>
    public HttpClient As(string role) => WithToken(Tokens[role]);

    public async Task<Guid> CreatePatientAsync()
    {
        var response = await Admin.PostAsync(new Uri("/api/patients", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    /// <summary>Invites the patient to answer the instrument; returns the link's token.</summary>
    public async Task<string> InviteAsync(Guid patientId, string instrument)
    {
        var response = await Admin.PostAsJsonAsync($"/api/patients/{patientId}/invitations", new { instrument });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
    }

    public async Task<string> NewInvitationAsync(string instrument) => await InviteAsync(await CreatePatientAsync(), instrument);

    /// <summary>Submits answers as a patient (POST /api/responses) and returns the submission's id.</summary>
    public async Task<Guid> SubmitAsync<TValue>(string token, IDictionary<string, TValue> answers)
    {
        var response = await Patient.PostAsJsonAsync("/api/responses", new { token, answers });
        Assert.That((int)response.StatusCode, Is.EqualTo(202), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["submissionId"]!.GetValue<Guid>();
    }

    /// <summary>
    /// Waits until intake has published the patient's submission (SurveySubmitted, through its outbox) and returns it.
    /// </summary>
    public async Task<SurveySubmitted> PublishedSubmissionAsync(Func<SurveySubmitted, bool> which)
    {
        var submitted = await PublishedAsync(which);
        Assert.That(submitted, Is.Not.Null, "intake published the submission");
        return submitted!;
    }

    /// <summary>
    /// Plays the scoring worker: scores the published submission with the same engine and definitions (ScoringEngine) and
    /// publishes SurveyScored on the harness, which intake's consumer records. Returns what was published.
    /// </summary>
    public async Task<SurveyScored> ScoreAsync(SurveySubmitted submitted)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        var result = Services.GetRequiredService<ScoringEngine>().Score(submitted.Instrument, submitted.Answers, submitted.DefinitionVersion);
        var scored = new SurveyScored(
            submitted.SubmissionId, submitted.PatientId, submitted.Instrument, submitted.DefinitionVersion,
            result.Status == ScoreStatus.Scored ? "scored" : "incomplete", result.Total, result.Band, result.Prorated, result.Flags,
            result.Subscores, result.ItemGrades, submitted.SubmittedAt, DateTimeOffset.UtcNow, submitted.Answers);
        await Harness.Bus.Publish(scored);
        Assert.That(await ConsumedAsync<SurveyScored>(m => m.SubmissionId == submitted.SubmissionId), Is.True, "intake consumed the score");
        return scored;
    }

    public override async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        Patient?.Dispose();
        await base.DisposeAsync();
    }
}
