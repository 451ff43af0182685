using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests;

/// <summary>
/// Intake, scoring and notifier as real processes on a real RabbitMQ (a virtual host of their own)
/// with real SQLite files in a temporary folder: the system as infra/run.sh runs it.
/// </summary>
public sealed class RunningSystem : IAsyncDisposable
{
    private readonly List<ServiceProcess> _services = [];

    private RunningSystem(Broker broker, string dataDirectory)
    {
        Broker = broker;
        DataDirectory = dataDirectory;
    }

    public Broker Broker { get; }

    public string DataDirectory { get; }

    public ServiceProcess Intake => _services.Single(s => s.Name == "Intake");

    public ServiceProcess Notifier => _services.Single(s => s.Name == "Notifier");

    public HttpClient IntakeClient { get; private set; } = null!;

    public HttpClient NotifierClient { get; private set; } = null!;

    public static async Task<RunningSystem> StartAsync()
    {
        var broker = new Broker();
        await broker.CreateVirtualHostAsync();
        var system = new RunningSystem(broker, Directory.CreateTempSubdirectory("surveys-e2e-").FullName);
        try
        {
            foreach (var name in new[] { "Intake", "Scoring", "Notifier" })
            {
                system._services.Add(ServiceProcess.Start(name, system.DataDirectory, system.Environment()));
            }

            await Task.WhenAll(system._services.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))));
            system.IntakeClient = new HttpClient { BaseAddress = system.Intake.BaseAddress };
            system.NotifierClient = new HttpClient { BaseAddress = system.Notifier.BaseAddress };
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["Storage__DataDirectory"] = DataDirectory,
        ["RabbitMq__Host"] = "127.0.0.1",
        ["RabbitMq__Port"] = Broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq__VirtualHost"] = Broker.VirtualHost,
        ["RabbitMq__Username"] = "guest",
        ["RabbitMq__Password"] = "guest",
    };

    public async Task<Guid> CreatePatientAsync()
    {
        var response = await IntakeClient.PostAsync(new Uri("/api/patients", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    public async Task<string> InviteAsync(Guid patientId, string instrument)
    {
        var response = await IntakeClient.PostAsJsonAsync($"/api/patients/{patientId}/invitations", new { instrument });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
    }

    public async Task<Guid> SubmitAsync(string token, IDictionary<string, int> answers)
    {
        var response = await IntakeClient.PostAsJsonAsync("/api/responses", new { token, answers });
        Assert.That((int)response.StatusCode, Is.EqualTo(202), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["submissionId"]!.GetValue<Guid>();
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds or the time is up; returns the last value.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            value = await read();
        }

        return value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }

        IntakeClient?.Dispose();
        NotifierClient?.Dispose();
        await Broker.DeleteVirtualHostAsync();
        Broker.Dispose();
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            await TestContext.Progress.WriteLineAsync($"Service logs kept in {DataDirectory}");
        }
        else
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
