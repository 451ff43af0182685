using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Surveys.Operations;

/// <summary>
/// One service's readiness, outbox backlog and stalled background loops, from its <c>/health/ready</c>; for the notifier
/// also <see cref="UrgentAlertsPastLastLevel"/>: urgent alerts nobody acknowledged after every escalation level was told.
/// </summary>
public sealed record ServiceStatus(string Name, string Url, string Status, long? OutboxPending, double? OutboxOldestSeconds, long? OutboxUnpublishable, bool Attention)
{
    public long? UrgentAlertsPastLastLevel { get; init; }

    /// <summary>The service's background loops that made no progress for longer than their threshold ("outbox relay"), or null.</summary>
    public string? StalledWork { get; init; }
}

/// <summary>One durable queue: depth, consumers and rates from RabbitMQ's management API.</summary>
public sealed record QueueStatus(string Name, long Messages, long Consumers, double PublishRate, double DeliverRate, bool Attention);

/// <summary>The whole pipeline at a glance; <see cref="Healthy"/> is false when something needs a person.</summary>
public sealed record PipelineStatus(bool Healthy, string VirtualHost, IReadOnlyList<ServiceStatus> Services, IReadOnlyList<QueueStatus>? Queues, string? BrokerError)
{
    /// <summary>An outbox row older than this means the broker or the relay needs a look.</summary>
    public static readonly TimeSpan OutboxTooOld = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Reads every service's readiness and every durable queue of <paramref name="virtualHost"/> through
    /// <paramref name="management"/> (an HttpClient whose base address is the management API, with credentials).
    /// </summary>
    public static async Task<PipelineStatus> ReadAsync(
        HttpClient http, IReadOnlyList<(string Name, string Url)> services, HttpClient management, string virtualHost, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(management);
        var read = await Task.WhenAll(services.Select(s => ReadServiceAsync(http, s.Name, s.Url, ct)));
        List<QueueStatus>? queues = null;
        string? brokerError = null;
        try
        {
            var all = await management.GetFromJsonAsync<JsonArray>(new Uri(management.BaseAddress!, $"/api/queues/{Uri.EscapeDataString(virtualHost)}"), ct) ?? [];
            queues = all.Select(q => q!.AsObject())
                .Where(q => q["auto_delete"]?.GetValue<bool>() != true) // the buses' own temporary queues
                .Select(ToQueueStatus)
                .OrderBy(q => q.Name, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            brokerError = $"RabbitMQ management API at {management.BaseAddress}: {(ex is TaskCanceledException ? "no answer" : ex.Message)}";
        }

        var healthy = read.All(s => !s.Attention) && brokerError is null && queues!.All(q => !q.Attention);
        return new PipelineStatus(healthy, virtualHost, read, queues, brokerError);
    }

    private static QueueStatus ToQueueStatus(JsonObject q)
    {
        var name = q["name"]!.GetValue<string>();
        var messages = q["messages"]?.GetValue<long>() ?? 0;
        var consumers = q["consumers"]?.GetValue<long>() ?? 0;
        var stats = q["message_stats"] as JsonObject;
        double Rate(string key) => stats?[key]?["rate"]?.GetValue<double>() ?? 0;
        var failures = name.EndsWith("_error", StringComparison.Ordinal) || name.EndsWith("_skipped", StringComparison.Ordinal);

        // A failure queue needs a person when it holds anything; a work queue when nobody consumes it.
        var attention = failures ? messages > 0 : consumers == 0;
        return new QueueStatus(name, messages, consumers, Rate("publish_details"), Rate("deliver_get_details"), attention);
    }

    private static async Task<ServiceStatus> ReadServiceAsync(HttpClient http, string name, string url, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(new Uri(url), "/health/ready"), ct);
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
            var status = body?["status"]?.GetValue<string>() ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            var outbox = body?["checks"]?["outbox"]?["data"];
            long? pending = outbox?["pending"]?.GetValue<long>();
            double? oldest = outbox?["oldestAgeSeconds"]?.GetValue<double>();
            long? stuck = outbox?["unpublishable"]?.GetValue<long>();
            long? unacknowledged = body?["checks"]?["alerts"]?["data"]?["unacknowledgedPastLastLevel"]?.GetValue<long>();
            var stalled = body?["checks"]?["background"]?["data"]?["stalled"]?.GetValue<string>() is { Length: > 0 } loops ? loops : null;
            var attention = !response.IsSuccessStatusCode || oldest > OutboxTooOld.TotalSeconds || stuck > 0 || unacknowledged > 0 || stalled is not null;
            return new ServiceStatus(name, url, status, pending, oldest, stuck, attention) { UrgentAlertsPastLastLevel = unacknowledged, StalledWork = stalled };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return new ServiceStatus(name, url, "down", null, null, null, true);
        }
    }
}
