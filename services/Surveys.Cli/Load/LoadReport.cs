using System.Globalization;
using System.Text;

namespace Surveys.Cli.Load;

/// <summary>Percentiles of a set of latencies, in milliseconds (nearest-rank).</summary>
public sealed record Latency(int Count, double P50, double P95, double P99, double Max)
{
    public static Latency Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Latency(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Latency(sorted.Length, Rank(0.50), Rank(0.95), Rank(0.99), sorted[^1]);
    }
}

/// <summary>One backlog sample: messages waiting in the services' queues and rows waiting in their outboxes.</summary>
public sealed record BacklogSample(double AtSeconds, long QueuedMessages, long OutboxPending);

public sealed record MachineInfo(int Cores, double MemoryGb, string Os, string Runtime, string? BrokerVersion);

/// <summary>Whether the run kept every promise: each accepted form scored and recorded once, each expected alert raised once.</summary>
public sealed record LoadChecks(
    int Planned, int Accepted, int Rejected, int NotScored, int NotRecorded, int IntakeNotTold, int ExpectedAlerts, int AlertsRaised,
    int MissingAlerts, int UnexpectedAlerts, int DoubledAlerts, int WarmupIncomplete)
{
    public bool Passed => WarmupIncomplete == 0 && Rejected == 0 && NotScored == 0 && NotRecorded == 0 && IntakeNotTold == 0 && MissingAlerts == 0 && UnexpectedAlerts == 0 && DoubledAlerts == 0
        && Accepted == Planned && AlertsRaised == ExpectedAlerts;
}

public sealed record LoadResult(
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    LoadSettings Settings,
    double SetupSeconds,
    double HttpThroughput,
    Latency Http,
    double EndToEndThroughput,
    double DrainSeconds,
    Latency AcceptedToPublished,
    Latency AcceptedToScored,
    Latency AcceptedToRecorded,
    Latency AcceptedToAlert,
    long MaxQueuedMessages,
    long MaxOutboxPending,
    IReadOnlyList<ProcessUsage> Processes,
    CeilingResult? Ceiling,
    HttpFloorResult? HttpFloor,
    LoadChecks Checks,
    IReadOnlyList<BacklogSample> Backlog)
{
    public double? RatioToCeiling => Ceiling is null ? null : EndToEndThroughput / Ceiling.MessagesPerSecond;

    /// <summary>
    /// CPU milliseconds the services and the broker spent per accepted submission, from the first submission until the
    /// pipeline drained: the figure that says how far a machine's cores go. The load generator is reported beside it.
    /// </summary>
    public double CpuMsPerSubmission => MsPerSubmission(Processes.Where(p => p.Name != ProcessMonitor.LoadGenerator).Sum(p => p.CpuSeconds));

    private double MsPerSubmission(double cpuSeconds) => Checks.Accepted == 0 ? double.NaN : cpuSeconds * 1000 / Checks.Accepted;

    /// <summary>The run as a Markdown table, the form docs/benchmarks.md keeps.</summary>
    public string ToMarkdown()
    {
        static string F(double value, string format = "F1") => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);
        static string L(Latency l) => $"{F(l.P50)} / {F(l.P95)} / {F(l.P99)} / {F(l.Max)}";
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"Load run {StartedAt:yyyy-MM-dd HH:mm} UTC: {Machine.Cores} cores, {F(Machine.MemoryGb)} GB, {Machine.Os}, {Machine.Runtime}, RabbitMQ {Machine.BrokerVersion ?? "?"}");
        text.AppendLine(inv, $"Settings: {Settings.Count} forms measured after {Settings.Warmup} warm-up forms, rate {(Settings.Rate > 0 ? F(Settings.Rate, "F0") + "/s" : "as fast as accepted")}, {Settings.Concurrency} in flight, {F(Settings.AlertShare * 100, "F0")}% made to alert, {Settings.IntakeUrls.Count} intake instance(s)");
        text.AppendLine();
        text.AppendLine("| Measure | Value |");
        text.AppendLine("|---|---|");
        text.AppendLine(inv, $"| Result | {(Checks.Passed ? "passed" : "FAILED")}: {Checks.Accepted} accepted, {Checks.Rejected} rejected, {Checks.NotScored} not scored, {Checks.NotRecorded} not recorded, alerts {Checks.AlertsRaised} of {Checks.ExpectedAlerts} expected ({Checks.MissingAlerts} missing, {Checks.UnexpectedAlerts} unexpected, {Checks.DoubledAlerts} doubled){(Checks.WarmupIncomplete > 0 ? $", {Checks.WarmupIncomplete} warm-up forms not recorded" : "")} |");
        text.AppendLine(inv, $"| Set-up (patients and invitations) | {F(SetupSeconds)} s |");
        text.AppendLine(inv, $"| HTTP throughput | {F(HttpThroughput, "F0")} submissions/s |");
        text.AppendLine(inv, $"| HTTP latency p50 / p95 / p99 / max | {L(Http)} ms |");
        text.AppendLine(inv, $"| End-to-end throughput (first accepted to last recorded) | {F(EndToEndThroughput, "F0")} submissions/s |");
        text.AppendLine(inv, $"| Drain after the last accepted | {F(DrainSeconds, "F2")} s |");
        text.AppendLine(inv, $"| Accepted to published (intake's outbox, confirmed) p50 / p95 / p99 / max | {L(AcceptedToPublished)} ms |");
        text.AppendLine(inv, $"| Accepted to scored | {L(AcceptedToScored)} ms |");
        text.AppendLine(inv, $"| Accepted to recorded by the notifier | {L(AcceptedToRecorded)} ms |");
        text.AppendLine(inv, $"| Accepted to alert raised ({AcceptedToAlert.Count}) | {L(AcceptedToAlert)} ms |");
        text.AppendLine(inv, $"| Peak backlog: queued messages / outbox rows | {MaxQueuedMessages} / {MaxOutboxPending} |");
        if (Ceiling is { } ceiling)
        {
            text.AppendLine(inv, $"| Broker ceiling (raw client, 2 hops, {ceiling.MessageBytes} B, confirms + acks) | {F(ceiling.MessagesPerSecond, "F0")} messages/s |");
            text.AppendLine(inv, $"| Pipeline / ceiling | {F(RatioToCeiling!.Value * 100, "F0")}% |");
        }

        if (HttpFloor is { } floor)
        {
            text.AppendLine(inv, $"| HTTP floor (unknown token, answered 404; {floor.Requests} requests in {F(floor.Seconds)} s{(floor.Unexpected > 0 ? $", {floor.Unexpected} NOT 404" : "")}) | {F(floor.RequestsPerSecond, "F0")} requests/s; p50 / p99 {F(floor.Latency.P50)} / {F(floor.Latency.P99)} ms; CPU per request: intake {F(floor.IntakeCpuMsPerRequest, "F3")} ms, load generator {F(floor.LoadGeneratorCpuMsPerRequest, "F3")} ms |");
        }

        foreach (var process in Processes)
        {
            text.AppendLine(inv, $"| {process.Name}: peak working set, CPU time | {F(process.PeakWorkingSetMb, "F0")} MB, {F(process.CpuSeconds)} s ({F(MsPerSubmission(process.CpuSeconds), "F2")} ms per submission) |");
        }

        text.AppendLine(inv, $"| CPU of the services and the broker per submission | {F(CpuMsPerSubmission, "F2")} ms |");

        return text.ToString();
    }
}
