using System.Diagnostics;
using System.Net;

namespace Surveys.Cli.Load;

/// <summary>What intake's front door alone cost in the same run, beside the pipeline's figures.</summary>
/// <param name="Unexpected">Requests answered anything but 404: a floor with any is not a floor (the run says so).</param>
public sealed record HttpFloorResult(
    double Seconds, int Requests, int Unexpected, double RequestsPerSecond, Latency Latency, double IntakeCpuMsPerRequest, double LoadGeneratorCpuMsPerRequest)
{
    public double CpuMsPerRequest => IntakeCpuMsPerRequest + LoadGeneratorCpuMsPerRequest;
}

/// <summary>
/// The HTTP floor: full-size forms posted with a token no invitation has, as many in flight as the run uses, for a
/// fixed time. Each request goes through Kestrel, the middleware (rate limiter, authentication, antiforgery), JSON
/// binding of the whole body and one token lookup in intake's database, and is answered 404 with problem details.
/// What an accepted form costs on top of this is the scoring engine's validation, the stored submission and its
/// outbox row (a group commit), and everything downstream of intake.
/// </summary>
public static class HttpFloor
{
    public static async Task<HttpFloorResult> MeasureAsync(LoadClient client, PlannedForm sample, int concurrency, TimeSpan duration, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var monitor = new ProcessMonitor();
        monitor.Start();
        var clock = Stopwatch.StartNew();
        var answers = await client.SubmitUnknownTokenAsync(sample, concurrency, duration, ct);
        var seconds = clock.Elapsed.TotalSeconds;
        var usage = monitor.Stop();

        double MsPerRequest(IEnumerable<ProcessUsage> processes) => answers.Count == 0 ? double.NaN : processes.Sum(p => p.CpuSeconds) * 1000 / answers.Count;
        return new HttpFloorResult(
            seconds,
            answers.Count,
            answers.Count(a => a.Status != HttpStatusCode.NotFound),
            answers.Count / seconds,
            Latency.Of(answers.Select(a => a.LatencyMs)),
            MsPerRequest(usage.Where(p => p.Name == "intake")),
            MsPerRequest(usage.Where(p => p.Name == ProcessMonitor.LoadGenerator)));
    }
}
