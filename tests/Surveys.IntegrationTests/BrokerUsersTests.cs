using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Surveys.IntegrationTests;

/// <summary>
/// Each service on the broker as its own least-privilege user, made by the script that ships
/// (infra/rabbitmq/setup.sh, which infra/run.sh runs by default), in a virtual host of the test's own.
/// </summary>
[NonParallelizable]
public class BrokerUsersTests
{
    private static readonly string[] ServiceNames = ["Intake", "Scoring", "Notifier"];

    // Users are broker-wide: a prefix of this run's own, so that nothing else on the shared broker is touched.
    private readonly string _prefix = $"t{Guid.NewGuid():N}"[..12] + "-";
    private readonly DirectoryInfo _setupData = Directory.CreateTempSubdirectory("surveys-broker-users-");
    private readonly Dictionary<string, string> _passwords = [];
    private RunningSystem _system = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _system = await RunningSystem.StartAsync(serviceSettings: SetUpUsersAsync);

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _system.DisposeAsync();
        using var broker = new Broker();
        foreach (var user in ServiceNames.Append("Operator"))
        {
            await broker.DeleteUserAsync(User(user));
        }

        _setupData.Delete(recursive: true);
    }

    private string User(string service) => _prefix + service.ToLowerInvariant();

    private async Task<IReadOnlyDictionary<string, Dictionary<string, string>>> SetUpUsersAsync(Broker broker)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(ServiceProcess.RepositoryRoot(), "infra", "rabbitmq", "setup.sh")])
        {
            RedirectStandardError = true,
            Environment =
            {
                ["RABBITMQ_API_URL"] = broker.ManagementUrl.ToString(),
                ["RABBITMQ_ADMIN_USER"] = "guest",
                ["RABBITMQ_ADMIN_PASSWORD"] = "guest",
                ["SURVEYS_RABBITMQ_VHOST"] = broker.VirtualHost,
                ["SURVEYS_RABBITMQ_USER_PREFIX"] = _prefix,
                ["SURVEYS_DATA_DIR"] = _setupData.FullName,
            },
        };
        using var setup = Process.Start(start)!;
        var log = await setup.StandardError.ReadToEndAsync();
        await setup.WaitForExitAsync();
        Assert.That(setup.ExitCode, Is.Zero, log);
        Assert.That(log, Does.Not.Contain("guest"), "the script's log names no admin");

        var settings = new Dictionary<string, Dictionary<string, string>>();
        foreach (var service in ServiceNames.Append("Operator"))
        {
            var file = Path.Combine(_setupData.FullName, "secrets", $"rabbitmq-{User(service)}");
            Assert.That(OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{file} is the owner's only");
            _passwords[service] = (await File.ReadAllTextAsync(file)).Trim();
            Assert.That(log, Does.Not.Contain(_passwords[service]), "no password in the script's log");
            settings[service] = new() { ["RabbitMq__Username"] = User(service), ["RabbitMq__Password"] = _passwords[service] };
        }

        // The portal reads the queues and replays failed messages as the operator's user, as infra/run.sh runs it.
        settings["Portal"] = settings["Operator"];

        return settings;
    }

    [Test]
    public async Task A_form_is_scored_with_each_service_on_its_own_broker_user_and_only_the_operator_reads_the_queues()
    {
        var patientId = await _system.CreatePatientAsync();
        var token = await _system.InviteAsync(patientId, "phq9");
        var submissionId = await _system.SubmitAsync(token, Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 0));

        var scores = await RunningSystem.EventuallyAsync(
            async () => (await _system.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/patients/{patientId}/scores"))!,
            s => s.Count > 0,
            TimeSpan.FromSeconds(15));
        Assert.That(scores.Single()!["submissionId"]!.GetValue<Guid>(), Is.EqualTo(submissionId));

        // The management API lists connections from statistics it gathers every few seconds: wait until it has all three.
        var connected = await RunningSystem.EventuallyAsync(
            async () => (await _system.Broker.ConnectedUsersAsync()).Distinct().ToList(),
            users => ServiceNames.Select(User).All(users.Contains),
            TimeSpan.FromSeconds(30));
        Assert.That(connected, Is.EquivalentTo(ServiceNames.Select(User)), "the services connect as their own users, none as guest");

        // The portal's pipeline page lists the queues with the operator's user (tag monitoring) ...
        using var portal = await _system.PortalSessionAsync("operator1", _system.OperatorPassword);
        var page = await portal.GetStringAsync(new Uri("/pipeline", UriKind.Relative));
        Assert.That(page, Does.Contain("id=\"queues\"").And.Contain("intake-"), page);

        // ... and a service's user, which has no tag, cannot use the management API at all.
        using var management = new HttpClient { BaseAddress = _system.Broker.ManagementUrl };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{User("Intake")}:{_passwords["Intake"]}")));
        using var refused = await management.GetAsync(new Uri($"api/queues/{Uri.EscapeDataString(_system.Broker.VirtualHost)}", UriKind.Relative));
        Assert.That((int)refused.StatusCode, Is.EqualTo(401), "intake's user has no management tag");
    }

    [Test]
    public async Task Scoring_cannot_read_intakes_queues_nor_publish_a_message_type_it_does_not_send()
    {
        var intakeQueue = (await _system.Broker.QueuesAsync()).Select(q => q!["name"]!.GetValue<string>()).First(n => n.StartsWith("intake-", StringComparison.Ordinal));
        var factory = new ConnectionFactory
        {
            HostName = "127.0.0.1",
            Port = _system.Broker.Port,
            VirtualHost = _system.Broker.VirtualHost,
            UserName = User("Scoring"),
            Password = _passwords["Scoring"],
        };
        await using var connection = await factory.CreateConnectionAsync();

        await using (var channel = await connection.CreateChannelAsync())
        {
            var refused = Assert.ThrowsAsync<OperationInterruptedException>(async () => await channel.BasicGetAsync(intakeQueue, autoAck: false));
            Assert.That(refused!.ShutdownReason?.ReplyCode, Is.EqualTo(403), $"reading {intakeQueue}");
        }

        // Scoring consumes SurveySubmitted; only intake publishes it. A refused publish closes the channel (403).
        await using (var channel = await connection.CreateChannelAsync())
        {
            try
            {
                await channel.BasicPublishAsync("Surveys.Contracts:SurveySubmitted", string.Empty, "{}"u8.ToArray());
            }
            catch (AlreadyClosedException)
            {
            }

            await RunningSystem.EventuallyAsync(() => Task.FromResult(channel.IsClosed), closed => closed, TimeSpan.FromSeconds(5));
            Assert.That(channel.CloseReason?.ReplyCode, Is.EqualTo(403), channel.CloseReason?.ReplyText);
        }

        // Nor may it declare a queue of intake's name.
        await using (var channel = await connection.CreateChannelAsync())
        {
            var refused = Assert.ThrowsAsync<OperationInterruptedException>(async () => await channel.QueueDeclareAsync("intake-stolen", durable: true, exclusive: false, autoDelete: false));
            Assert.That(refused!.ShutdownReason?.ReplyCode, Is.EqualTo(403));
        }
    }
}
