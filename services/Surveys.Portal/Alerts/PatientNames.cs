using Surveys.Portal.Apis;
using Surveys.Portal.Patients;

namespace Surveys.Portal.Alerts;

/// <summary>Who the notifier's pseudonymous patient ids are, read from intake's directory (each read audited there).</summary>
public static class PatientNames
{
    private const int Batch = 100;

    /// <summary>The patients behind <paramref name="ids"/>; a problem when intake could not say.</summary>
    public static async Task<(Dictionary<Guid, PatientSummary> Names, ApiProblem? Problem)> ReadAsync(IntakeApi intake, IEnumerable<Guid> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(intake);
        var names = new Dictionary<Guid, PatientSummary>();
        foreach (var chunk in ids.Distinct().Chunk(Batch))
        {
            var query = string.Join('&', chunk.Select(id => $"id={id:D}"));
            var result = await intake.GetAsync<PatientList>($"/api/patients?{query}&pageSize={Batch}", ct);
            if (result.Value is null)
            {
                return (names, result.Problem);
            }

            foreach (var patient in result.Value.Items)
            {
                names[patient.Id] = patient;
            }
        }

        return (names, null);
    }

    /// <summary>The most patients a search reads (<see cref="MatchingAsync"/>); the page says when more match.</summary>
    public const int MostMatches = 10 * Batch;

    /// <summary>
    /// The patients matching a search (name, clinic number or the start of an id): at most <see cref="MostMatches"/> of
    /// them, and how many match in all, so that the page can say when it shows only some.
    /// </summary>
    public static async Task<(HashSet<Guid> Ids, int Total, ApiProblem? Problem)> MatchingAsync(IntakeApi intake, string search, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(intake);
        var ids = new HashSet<Guid>();
        var total = 0;
        for (var page = 1; page * Batch <= MostMatches; page++)
        {
            var result = await intake.GetAsync<PatientList>($"/api/patients?q={Uri.EscapeDataString(search)}&page={page}&pageSize={Batch}", ct);
            if (result.Value is null)
            {
                return (ids, total, result.Problem);
            }

            total = result.Value.Total;
            ids.UnionWith(result.Value.Items.Select(p => p.Id));
            if (page * Batch >= total)
            {
                break;
            }
        }

        return (ids, total, null);
    }
}
