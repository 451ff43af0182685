using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;

namespace Surveys.Cli.Commands;

/// <summary>
/// Where the broker is, for the operators' commands: the management HTTP API (queues, counts, listing), AMQP
/// (replay) and the virtual host. Options win over the environment (SURVEYS_RABBITMQ_*), which wins over the defaults.
/// </summary>
public sealed record BrokerSettings(Uri ManagementUrl, Uri AmqpUrl, string VirtualHost, string UserName, string Password)
{
    public static readonly Option<string?> ManagementOption = new("--rabbitmq-url")
    {
        Description = "RabbitMQ management API (default: SURVEYS_RABBITMQ_URL, else http://127.0.0.1:15672).",
    };

    public static readonly Option<string?> AmqpOption = new("--amqp-url")
    {
        Description = "RabbitMQ AMQP address, for replay (default: SURVEYS_RABBITMQ_AMQP_URL, else amqp://<management host>:5672).",
    };

    public static readonly Option<string?> VirtualHostOption = new("--vhost")
    {
        Description = "Virtual host (default: SURVEYS_RABBITMQ_VHOST, else /).",
    };

    public static IEnumerable<Option> Options => [ManagementOption, AmqpOption, VirtualHostOption];

    /// <summary>The settings, or null (with a message) when an address is not a valid URL.</summary>
    public static BrokerSettings? From(ParseResult parse, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(stderr);
        var management = parse.GetValue(ManagementOption) ?? Env("SURVEYS_RABBITMQ_URL") ?? "http://127.0.0.1:15672";
        if (!Uri.TryCreate(management, UriKind.Absolute, out var managementUrl))
        {
            stderr.WriteLine($"The management address must be a URL such as http://127.0.0.1:15672; it is '{management}'.");
            return null;
        }

        var amqp = parse.GetValue(AmqpOption) ?? Env("SURVEYS_RABBITMQ_AMQP_URL") ?? $"amqp://{managementUrl.Host}:5672";
        if (!Uri.TryCreate(amqp, UriKind.Absolute, out var amqpUrl))
        {
            stderr.WriteLine($"The AMQP address must be a URL such as amqp://127.0.0.1:5672; it is '{amqp}'.");
            return null;
        }

        return new BrokerSettings(
            managementUrl,
            amqpUrl,
            parse.GetValue(VirtualHostOption) ?? Env("SURVEYS_RABBITMQ_VHOST") ?? "/",
            Env("SURVEYS_RABBITMQ_USER") ?? "guest",
            Env("SURVEYS_RABBITMQ_PASSWORD") ?? "guest");
    }

    public static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>An AMQP connection factory for this broker and virtual host, named in the broker's connection list.</summary>
    public ConnectionFactory ConnectionFactory(string clientName) => new()
    {
        Uri = AmqpUrl,
        UserName = UserName,
        Password = Password,
        VirtualHost = VirtualHost,
        ClientProvidedName = clientName,
    };

    public HttpClient ManagementClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(ManagementUrl, "/api/"), Timeout = TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{UserName}:{Password}")));
        return client;
    }

    private string Vh => Uri.EscapeDataString(VirtualHost);

    public async Task<JsonArray> QueuesAsync(HttpClient management, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(management);
        using var response = await management.GetAsync(new Uri($"queues/{Vh}", UriKind.Relative), ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonArray>(ct))!;
    }

    /// <summary>One queue's details, or null when it does not exist.</summary>
    public async Task<JsonObject?> QueueAsync(HttpClient management, string queue, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(management);
        using var response = await management.GetAsync(new Uri($"queues/{Vh}/{Uri.EscapeDataString(queue)}", UriKind.Relative), ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonObject>(ct);
    }

    /// <summary>Reads up to <paramref name="count"/> messages and puts them back (the management API's get with requeue).</summary>
    public async Task<JsonArray> PeekAsync(HttpClient management, string queue, int count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(management);
        using var response = await management.PostAsJsonAsync(
            new Uri($"queues/{Vh}/{Uri.EscapeDataString(queue)}/get", UriKind.Relative),
            new { count, ackmode = "ack_requeue_true", encoding = "auto", truncate = 1 },
            ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonArray>(ct))!;
    }

    public async Task PurgeAsync(HttpClient management, string queue, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(management);
        using var response = await management.DeleteAsync(new Uri($"queues/{Vh}/{Uri.EscapeDataString(queue)}/contents", UriKind.Relative), ct);
        response.EnsureSuccessStatusCode();
    }
}
