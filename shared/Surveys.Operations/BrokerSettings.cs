using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;

namespace Surveys.Operations;

/// <summary>
/// Where the broker is, for the operator's work: the management HTTP API (queues, counts, listing, purge), AMQP
/// (replay) and the virtual host, with the credentials for both. The console and the portal both make it with
/// <see cref="FromSettings"/> from the <c>RabbitMq__*</c> settings the services use (the console's options win).
/// </summary>
public sealed record BrokerSettings(Uri ManagementUrl, Uri AmqpUrl, string VirtualHost, string UserName, string Password)
{
    /// <summary>
    /// The settings from the services' <c>RabbitMq</c> section: <paramref name="setting"/> returns the value of a key
    /// such as <c>Host</c> (RabbitMq__Host), or null when unset. Defaults are the services' own: localhost:5672,
    /// virtual host <c>/</c>, guest/guest, management API at http://127.0.0.1:15672.
    /// </summary>
    /// <exception cref="FormatException">ManagementUrl is not an absolute URL or Port is not a port number.</exception>
    public static BrokerSettings FromSettings(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        string? Read(string key) => setting(key) is { Length: > 0 } value ? value : null;
        var management = Read("ManagementUrl") ?? "http://127.0.0.1:15672/";
        if (!Uri.TryCreate(management, UriKind.Absolute, out var managementUrl))
        {
            throw new FormatException($"RabbitMq ManagementUrl must be a URL such as http://127.0.0.1:15672; it is '{management}'.");
        }

        var port = Read("Port") ?? "5672";
        if (!ushort.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var portNumber) || portNumber == 0)
        {
            throw new FormatException($"RabbitMq Port must be a port number such as 5672; it is '{port}'.");
        }

        return new BrokerSettings(
            managementUrl,
            new Uri($"amqp://{Read("Host") ?? "localhost"}:{portNumber}"),
            Read("VirtualHost") ?? "/",
            Read("Username") ?? "guest",
            Read("Password") ?? "guest");
    }

    /// <summary>An AMQP connection factory for this broker and virtual host, named in the broker's connection list.</summary>
    public ConnectionFactory ConnectionFactory(string clientName) => new()
    {
        Uri = AmqpUrl,
        UserName = UserName,
        Password = Password,
        VirtualHost = VirtualHost,
        ClientProvidedName = clientName,
    };

    /// <summary>A client of the management API (base address <c>…/api/</c>, basic credentials).</summary>
    public HttpClient ManagementClient()
    {
        var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        ConfigureManagement(client);
        return client;
    }

    /// <summary>Points <paramref name="client"/> (from a factory, say) at the management API with this broker's credentials.</summary>
    public void ConfigureManagement(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.BaseAddress = new Uri(ManagementUrl, "/api/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{UserName}:{Password}")));
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
