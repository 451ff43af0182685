using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>
/// The real RabbitMQ broker the tests run on (infra/test.sh starts one on port 5673 with the
/// management plugin on 15673). Each test run gets a virtual host of its own, deleted afterwards.
/// </summary>
public sealed class Broker : IDisposable
{
    private readonly HttpClient _management;

    public Broker()
    {
        Port = int.Parse(Environment.GetEnvironmentVariable("SURVEYS_TEST_RABBITMQ_PORT") ?? "5673", System.Globalization.CultureInfo.InvariantCulture);
        var managementPort = Environment.GetEnvironmentVariable("SURVEYS_TEST_RABBITMQ_MANAGEMENT_PORT") ?? "15673";
        _management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}/api/") };
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        VirtualHost = $"surveys-test-{Guid.NewGuid():N}";
    }

    public int Port { get; }

    /// <summary>The management API's root (without /api/).</summary>
    public Uri ManagementUrl => new(_management.BaseAddress!, "/");

    public string VirtualHost { get; }

    private string Vh => Uri.EscapeDataString(VirtualHost);

    public async Task CreateVirtualHostAsync()
    {
        HttpResponseMessage response;
        try
        {
            response = await _management.PutAsync($"vhosts/{Vh}", null);
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException(
                $"No RabbitMQ management API at {_management.BaseAddress}. Run the tests with infra/test.sh, which starts a broker.", ex);
        }

        response.EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"permissions/{Vh}/guest", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
    }

    public async Task DeleteVirtualHostAsync() => await _management.DeleteAsync($"vhosts/{Vh}");

    /// <summary>The users of the open AMQP connections to this virtual host.</summary>
    public async Task<IReadOnlyList<string>> ConnectedUsersAsync() =>
        (await _management.GetFromJsonAsync<JsonArray>($"vhosts/{Vh}/connections"))!.Select(c => c!["user"]!.GetValue<string>()).ToList();

    public async Task DeleteUserAsync(string name) => await _management.DeleteAsync($"users/{Uri.EscapeDataString(name)}");

    public async Task<JsonArray> QueuesAsync() => (await _management.GetFromJsonAsync<JsonArray>($"queues/{Vh}"))!;

    public async Task<JsonObject?> QueueAsync(string name)
    {
        var response = await _management.GetAsync($"queues/{Vh}/{Uri.EscapeDataString(name)}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
    }

    /// <summary>Publishes a MassTransit envelope straight onto a message type's exchange.</summary>
    public async Task PublishAsync(string messageType, object message)
    {
        var envelope = new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { $"urn:message:{messageType}" },
            message,
        };
        var body = new
        {
            properties = new { content_type = "application/vnd.masstransit+json", delivery_mode = 2 },
            routing_key = "",
            payload = JsonSerializer.Serialize(envelope, JsonSerializerOptions.Web),
            payload_encoding = "string",
        };
        var response = await _management.PostAsJsonAsync($"exchanges/{Vh}/{Uri.EscapeDataString(messageType)}/publish", body);
        response.EnsureSuccessStatusCode();
        var routed = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.That(routed?["routed"]?.GetValue<bool>(), Is.True, $"nothing was bound to {messageType}");
    }

    /// <summary>
    /// Puts a MassTransit envelope straight into a queue (through the default exchange) with the given headers: a
    /// failed message as MassTransit leaves it in an error queue, say.
    /// </summary>
    public async Task PutIntoQueueAsync(string queue, Guid messageId, string messageType, object message, Dictionary<string, object> headers)
    {
        var envelope = new { messageId, messageType = new[] { $"urn:message:{messageType}" }, message };
        var response = await _management.PostAsJsonAsync($"exchanges/{Vh}/amq.default/publish", new
        {
            properties = new { content_type = "application/vnd.masstransit+json", delivery_mode = 2, message_id = messageId.ToString(), headers },
            routing_key = queue,
            payload = JsonSerializer.Serialize(envelope, JsonSerializerOptions.Web),
            payload_encoding = "string",
        });
        response.EnsureSuccessStatusCode();
        Assert.That((await response.Content.ReadFromJsonAsync<JsonObject>())?["routed"]?.GetValue<bool>(), Is.True, $"nothing took the message into {queue}");
    }

    /// <summary>Empties a queue (what a test left behind).</summary>
    public async Task EmptyAsync(string queue) =>
        (await _management.DeleteAsync($"queues/{Vh}/{Uri.EscapeDataString(queue)}/contents")).EnsureSuccessStatusCode();

    /// <summary>Reads (and puts back) up to <paramref name="count"/> messages of a queue.</summary>
    public async Task<JsonArray> PeekAsync(string queue, int count)
    {
        var response = await _management.PostAsJsonAsync(
            $"queues/{Vh}/{Uri.EscapeDataString(queue)}/get", new { count, ackmode = "ack_requeue_true", encoding = "auto" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonArray>())!;
    }

    public void Dispose() => _management.Dispose();
}
