using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Surveys.Cli.Load;

/// <summary>One submission as the load generator saw it.</summary>
public readonly record struct SubmitResult(int Index, Guid SubmissionId, HttpStatusCode Status, double LatencyMs, DateTimeOffset At);

/// <summary>
/// The load generator's side of HTTP: creates patients and invitations through intake's staff API (signed in as an
/// admin), then submits the forms through the public responses API, either at a fixed rate (open loop: a slow
/// answer does not delay the next send) or as fast as intake accepts them with a fixed number in flight.
/// </summary>
public sealed class LoadClient(HttpClient[] staff, HttpClient[] patients) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="intakes">One or more intake instances (behind no load balancer): form N goes to instance N mod count.</param>
    public static LoadClient Create(IReadOnlyList<Uri> intakes, string accessToken, int concurrency)
    {
        ArgumentNullException.ThrowIfNull(intakes);
        HttpClient Client(Uri intake) => new(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = intake,
            Timeout = TimeSpan.FromSeconds(60),
        };

        var staff = intakes.Select(Client).ToArray();
        foreach (var client in staff)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        }

        return new LoadClient(staff, intakes.Select(Client).ToArray());
    }

    /// <summary>Creates one patient per five forms and an invitation per form; fills in each form's token.</summary>
    public async Task SetUpAsync(IReadOnlyList<PlannedForm> forms, int concurrency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(forms);
        var patients = forms.GroupBy(f => f.PatientIndex).ToList();
        await Parallel.ForEachAsync(patients, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (group, token) =>
        {
            var api = staff[group.Key % staff.Length];
            using var created = await api.PostAsJsonAsync("/api/patients", new { language = "en", timeZone = "UTC" }, Json, token);
            var patientId = (await ReadAsync(created, token))["id"]!.GetValue<Guid>();
            foreach (var form in group)
            {
                form.PatientId = patientId;
                using var invited = await api.PostAsJsonAsync($"/api/patients/{patientId}/invitations", new { instrument = form.Instrument }, Json, token);
                form.Token = (await ReadAsync(invited, token))["token"]!.GetValue<string>();
            }
        });
    }

    /// <summary>Submits every form; <paramref name="rate"/> of 0 means as fast as intake accepts them.</summary>
    public async Task<SubmitResult[]> SubmitAllAsync(IReadOnlyList<PlannedForm> forms, double rate, int concurrency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(forms);
        var results = new SubmitResult[forms.Count];
        if (rate <= 0)
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < forms.Count)
                {
                    results[i] = await SubmitAsync(forms[i], ct);
                }
            }));
            return results;
        }

        // Open loop: start each form at its own time, whatever happened to the ones before.
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>(forms.Count);
        for (var i = 0; i < forms.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, ct);
            }

            var index = i;
            inFlight.Add(Task.Run(async () => results[index] = await SubmitAsync(forms[index], ct), ct));
        }

        await Task.WhenAll(inFlight);
        return results;
    }

    /// <summary>
    /// For the HTTP floor: posts <paramref name="form"/>'s answers with a token no invitation has, from
    /// <paramref name="concurrency"/> loops until <paramref name="duration"/> is over; each answer's status and latency.
    /// </summary>
    public async Task<List<(HttpStatusCode Status, double LatencyMs)>> SubmitUnknownTokenAsync(PlannedForm form, int concurrency, TimeSpan duration, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(form);
        var token = new string('x', form.Token.Length); // the same size as a real token; no invitation has it
        var clock = Stopwatch.StartNew();
        var loops = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async loop =>
        {
            var answers = new List<(HttpStatusCode, double)>();
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await PostAsync(patients[loop % patients.Length], token, form.Answers, ct);
                answers.Add((response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            }

            return answers;
        }));
        return loops.SelectMany(l => l).ToList();
    }

    private async Task<SubmitResult> SubmitAsync(PlannedForm form, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await PostAsync(patients[form.Index % patients.Length], form.Token, form.Answers, ct);
        var body = response.StatusCode == HttpStatusCode.Accepted ? await response.Content.ReadFromJsonAsync<JsonObject>(Json, ct) : null;
        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var id = body?["submissionId"]?.GetValue<Guid>() ?? Guid.Empty;
        return new SubmitResult(form.Index, id, response.StatusCode, latency, DateTimeOffset.UtcNow);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient intake, string token, IReadOnlyDictionary<string, decimal?> answers, CancellationToken ct) =>
        intake.PostAsJsonAsync("/api/responses", new { token, answers }, Json, ct);

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }

        return (await response.Content.ReadFromJsonAsync<JsonObject>(Json, ct))!;
    }

    public void Dispose()
    {
        foreach (var client in staff.Concat(patients))
        {
            client.Dispose();
        }
    }
}
