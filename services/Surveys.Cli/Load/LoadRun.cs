using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Surveys.Cli.Commands;
using Surveys.Operations;

namespace Surveys.Cli.Load;

/// <summary>
/// One load run against a running system: set up patients and invitations, measure the broker's ceiling, submit
/// the forms while sampling the backlog and the processes, wait for the pipeline to finish, then check from the
/// services' own stores that every form was scored and recorded once and every expected alert raised once.
/// </summary>
public static class LoadRun
{
    public static async Task<LoadResult> RunAsync(LoadSettings settings, BrokerSettings broker, string accessToken, TextWriter progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(progress);
        var startedAt = DateTimeOffset.UtcNow;
        using var management = broker.ManagementClient();
        var machine = new MachineInfo(
            Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1e9, RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription, await BrokerVersionAsync(management, ct));

        // The warm-up forms come first in the plan: submitted, checked and waited for before the measured run starts, so
        // that start-up (JIT, pools, the broker's first writes) is not in the figures.
        var plan = LoadPlan.Create(settings.Warmup + settings.Count, settings.AlertShare);
        var warmup = plan.Take(settings.Warmup).ToList();
        var forms = plan.Skip(settings.Warmup).ToList();
        var records = PipelineRecords.FromEnvironment(settings.DataDirectory);
        using var client = LoadClient.Create(settings.IntakeUrls, accessToken, settings.Concurrency);
        await progress.WriteLineAsync($"setting up {plan.Select(f => f.PatientIndex).Distinct().Count()} patients and {plan.Count} invitations");
        var clock = Stopwatch.StartNew();
        await client.SetUpAsync(plan, Math.Min(settings.Concurrency, 32), ct);
        var setupSeconds = clock.Elapsed.TotalSeconds;

        CeilingResult? ceiling = null;
        if (settings.MeasureCeiling)
        {
            await progress.WriteLineAsync($"measuring the broker's ceiling with {forms.Count} messages");
            ceiling = await BrokerCeiling.MeasureAsync(broker, forms.Count, EnvelopeBytes, ct);
        }

        var warmupIncomplete = 0;
        if (warmup.Count > 0)
        {
            await progress.WriteLineAsync($"warming up with {warmup.Count} forms");
            var warmupAccepted = (await client.SubmitAllAsync(warmup, settings.Rate, settings.Concurrency, ct))
                .Where(s => s.Status == HttpStatusCode.Accepted).Select(s => s.SubmissionId).ToList();
            await WaitForPipelineAsync(records, warmupAccepted, warmup.Count(f => f.ExpectedRule is not null), settings.DrainTimeout, ct);
            var counts = await records.CountAsync(warmupAccepted, ct);
            warmupIncomplete = warmup.Count - (int)counts.Recorded;
        }

        HttpFloorResult? httpFloor = null;
        if (settings.HttpFloor > TimeSpan.Zero && forms.Count > 0)
        {
            await progress.WriteLineAsync($"measuring the HTTP floor for {settings.HttpFloor.TotalSeconds:F0} s");
            httpFloor = await HttpFloor.MeasureAsync(client, forms[0], settings.Concurrency, settings.HttpFloor, ct);
        }

        await progress.WriteLineAsync($"submitting {forms.Count} forms");
        var monitor = new ProcessMonitor();
        monitor.Start();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loadClock = Stopwatch.StartNew();
        var backlog = SampleBacklogAsync(management, broker.VirtualHost, loadClock, sampling.Token);
        var submitted = await client.SubmitAllAsync(forms, settings.Rate, settings.Concurrency, ct);
        var httpSeconds = loadClock.Elapsed.TotalSeconds;

        var accepted = submitted.Where(s => s.Status == HttpStatusCode.Accepted).ToList();
        var ids = accepted.Select(s => s.SubmissionId).ToList();
        var expectedAlerts = accepted.Where(s => plan[s.Index].ExpectedRule is not null).ToDictionary(s => s.SubmissionId, s => plan[s.Index].ExpectedRule!);
        await progress.WriteLineAsync($"{accepted.Count} accepted in {httpSeconds:F1} s; waiting for the pipeline");
        foreach (var refused in submitted.Where(s => s.Status != HttpStatusCode.Accepted).GroupBy(s => (int)s.Status).OrderBy(g => g.Key))
        {
            await progress.WriteLineAsync($"  {refused.Count()} answered {refused.Key}");
        }
        await WaitForPipelineAsync(records, ids, expectedAlerts.Count, settings.DrainTimeout, ct);
        await sampling.CancelAsync();
        var samples = await backlog;
        var processes = monitor.Stop();

        var times = await records.TimesAsync(ids, ct);
        var alerts = await records.AlertsAsync(ids, ct);
        var acceptedAt = times.ToDictionary(t => t.SubmissionId, t => t.AcceptedAt);
        var recorded = times.Where(t => t.RecordedAt is not null).ToList();
        var firstAccepted = times.Count == 0 ? startedAt : times.Min(t => t.AcceptedAt);
        var lastAccepted = times.Count == 0 ? startedAt : times.Max(t => t.AcceptedAt);
        var lastRecorded = recorded.Count == 0 ? lastAccepted : recorded.Max(t => t.RecordedAt!.Value);
        var alertsBySubmission = alerts.GroupBy(a => a.SubmissionId).ToDictionary(g => g.Key, g => g.ToList());

        var checks = new LoadChecks(
            forms.Count,
            accepted.Count,
            submitted.Length - accepted.Count,
            accepted.Count - times.Count(t => t.ScoredAt is not null),
            accepted.Count - recorded.Count,
            accepted.Count - times.Count(t => t.IntakeKnowsScoredAt is not null),
            expectedAlerts.Count,
            alerts.Count,
            expectedAlerts.Count(e => !alertsBySubmission.TryGetValue(e.Key, out var raised) || raised.All(a => a.Rule != e.Value)),
            alertsBySubmission.Count(a => !expectedAlerts.ContainsKey(a.Key)),
            alertsBySubmission.Count(a => a.Value.Count > 1),
            warmupIncomplete);

        return new LoadResult(
            startedAt,
            machine,
            settings,
            setupSeconds,
            accepted.Count / Math.Max(httpSeconds, 1e-9),
            Latency.Of(accepted.Select(s => s.LatencyMs)),
            recorded.Count / Math.Max((lastRecorded - firstAccepted).TotalSeconds, 1e-9),
            Math.Max(0, (lastRecorded - lastAccepted).TotalSeconds),
            Latency.Of(times.Where(t => t.PublishedAt is not null).Select(t => (t.PublishedAt!.Value - t.AcceptedAt).TotalMilliseconds)),
            Latency.Of(times.Where(t => t.ScoredAt is not null).Select(t => (t.ScoredAt!.Value - t.AcceptedAt).TotalMilliseconds)),
            Latency.Of(recorded.Select(t => (t.RecordedAt!.Value - t.AcceptedAt).TotalMilliseconds)),
            Latency.Of(alerts.Where(a => acceptedAt.ContainsKey(a.SubmissionId)).Select(a => (a.RaisedAt - acceptedAt[a.SubmissionId]).TotalMilliseconds)),
            samples.Count == 0 ? 0 : samples.Max(s => s.QueuedMessages),
            samples.Count == 0 ? 0 : samples.Max(s => s.OutboxPending),
            processes,
            ceiling,
            httpFloor,
            checks,
            samples);
    }

    /// <summary>
    /// The size of a SurveySubmitted message as MassTransit puts it on the wire (its JSON envelope with a PHQ-9's
    /// answers, addresses, headers and host details), measured from the pipeline's own messages: the ceiling uses it.
    /// </summary>
    public const int EnvelopeBytes = 1400;

    private static async Task WaitForPipelineAsync(PipelineRecords records, List<Guid> ids, int expectedAlerts, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var counts = await records.CountAsync(ids, ct);
            if (counts.Scored >= ids.Count && counts.Recorded >= ids.Count && counts.IntakeScored >= ids.Count && counts.AlertEvidence >= expectedAlerts)
            {
                // Anything doubled would arrive now: give redeliveries a moment to show before counting.
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    private static async Task<List<BacklogSample>> SampleBacklogAsync(HttpClient management, string virtualHost, Stopwatch clock, CancellationToken ct)
    {
        var samples = new List<BacklogSample>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var services = StatusCommand.Services();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var status = await PipelineStatus.ReadAsync(http, services, management, virtualHost, ct);
                samples.Add(new BacklogSample(
                    clock.Elapsed.TotalSeconds,
                    status.Queues?.Where(q => !q.Name.EndsWith("_error", StringComparison.Ordinal) && !q.Name.EndsWith("_skipped", StringComparison.Ordinal)).Sum(q => q.Messages) ?? 0,
                    status.Services.Sum(s => s.OutboxPending ?? 0)));
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (HttpRequestException)
            {
                // A sample missed under load is a gap in the series, not a failed run.
            }
        }

        return samples;
    }

    private static async Task<string?> BrokerVersionAsync(HttpClient management, CancellationToken ct)
    {
        try
        {
            var overview = await management.GetFromJsonAsync<JsonObject>(new Uri("overview", UriKind.Relative), ct);
            return overview?["rabbitmq_version"]?.GetValue<string>();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
