using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Surveys.IntegrationTests;

/// <summary>
/// Intake, scoring and notifier as real processes on a real RabbitMQ (a virtual host of their own)
/// with real SQLite files in a temporary folder: the system as infra/run.sh runs it, in Development (messages go to the
/// development outboxes, which the tests read; give ASPNETCORE_ENVIRONMENT=Production and real channels in the settings for production). Or, given a PostgreSQL
/// server, on a fresh database per service there, with several instances of each service.
/// </summary>
public sealed class RunningSystem : IAsyncDisposable
{
    private readonly List<ServiceProcess> _services = [];

    // Instances after the first of each service (PostgreSQL only).
    private readonly List<ServiceProcess> _replicas = [];

    // Each service's own PostgreSQL database, by lower-case service name; empty on SQLite.
    private readonly Dictionary<string, string> _databases = new(StringComparer.Ordinal);
    private string? _postgresServer;

    private readonly Dictionary<string, string> _settings;
    private IReadOnlyDictionary<string, Dictionary<string, string>> _serviceSettings = new Dictionary<string, Dictionary<string, string>>();

    private RunningSystem(Broker broker, string dataDirectory, IDictionary<string, string>? settings)
    {
        Broker = broker;
        DataDirectory = dataDirectory;
        _settings = new Dictionary<string, string>(settings ?? new Dictionary<string, string>());
    }

    /// <summary>The first account's password, set through Auth__BootstrapAdminPassword as infra/run.sh does.</summary>
    public string AdminPassword { get; } = $"admin-{Guid.NewGuid():N}";

    public string NursePassword { get; } = $"nurse-{Guid.NewGuid():N}";

    public string OperatorPassword { get; } = $"operator-{Guid.NewGuid():N}";

    /// <summary>Bearer tokens per role, for tests that try each role on each route.</summary>
    public Dictionary<string, string> Tokens { get; } = [];

    /// <summary>The signing key every service was given (tests forge tokens with and without it).</summary>
    public string SigningKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));

    /// <summary>The scrape token every service was given (Metrics__ScrapeToken): what a Prometheus sends for /metrics.</summary>
    public string ScrapeToken { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The bearer tokens the tests were given (so the privacy test can look for them in logs).</summary>
    public List<string> IssuedTokens { get; } = [];

    /// <summary>Patients' side: no staff credentials at all.</summary>
    public HttpClient PatientClient { get; private set; } = null!;

    public Broker Broker { get; }


    public string DataDirectory { get; }

    public ServiceProcess Service(string name) => _services.Single(s => s.Name == name);

    public ServiceProcess Intake => Service("Intake");

    public ServiceProcess Notifier => _services.Single(s => s.Name == "Notifier");

    /// <summary>The staff portal: the one web front for admins, nurses and operators.</summary>
    public ServiceProcess Portal => Service("Portal");

    public IReadOnlyList<ServiceProcess> Services => _services;

    /// <summary>Every running instance of a service, the first one first.</summary>
    public IReadOnlyList<ServiceProcess> Instances(string name) => [Service(name), .. _replicas.Where(r => r.Name == name)];

    public HttpClient IntakeClient { get; private set; } = null!;

    public HttpClient NotifierClient { get; private set; } = null!;

    /// <param name="settings">Extra configuration for every service (environment variables, Section__Key).</param>
    /// <param name="serviceSettings">Made once the test's virtual host exists: extra configuration per service ("Intake", ...), over the rest.</param>
    /// <param name="postgresServer">A PostgreSQL server (a connection string with no database): each service gets a fresh database there.</param>
    /// <param name="instances">How many instances of each service run (more than one needs PostgreSQL).</param>
    public static async Task<RunningSystem> StartAsync(
        IDictionary<string, string>? settings = null, string? postgresServer = null, int instances = 1,
        Func<Broker, Task<IReadOnlyDictionary<string, Dictionary<string, string>>>>? serviceSettings = null)
    {
        var broker = new Broker();
        await broker.CreateVirtualHostAsync();
        var system = new RunningSystem(broker, Directory.CreateTempSubdirectory("surveys-e2e-").FullName, settings);
        try
        {
            if (serviceSettings is not null)
            {
                system._serviceSettings = await serviceSettings(broker);
            }

            if (postgresServer is not null)
            {
                await system.CreateDatabasesAsync(postgresServer);
            }

            // Addresses first: the portal and the notifier check accounts with intake, intake's outcomes report reads the
            // notifier, and the portal calls all three.
            var (intakePort, scoringPort, notifierPort, portalPort) = (ServiceProcess.FreePort(), ServiceProcess.FreePort(), ServiceProcess.FreePort(), ServiceProcess.FreePort());
            system._settings["Notifier__IntakeUrl"] = $"http://127.0.0.1:{intakePort}";
            system._settings["Intake__NotifierUrl"] = $"http://127.0.0.1:{notifierPort}";
            system._settings.TryAdd("Notifier__PortalUrl", $"http://127.0.0.1:{portalPort}"); // unless a test names its own
            system._settings["Portal__IntakeUrl"] = $"http://127.0.0.1:{intakePort}";
            system._settings["Portal__ScoringUrl"] = $"http://127.0.0.1:{scoringPort}";
            system._settings["Portal__NotifierUrl"] = $"http://127.0.0.1:{notifierPort}";
            // The broker's management API, for the portal's pipeline pages (which also replay over AMQP
            // with RabbitMq__Host/Port, as guest on this test's virtual host, like the services).
            system._settings["RabbitMq__ManagementUrl"] = broker.ManagementUrl.ToString();
            system._services.Add(ServiceProcess.Start("Intake", system.DataDirectory, system.Environment("Intake"), intakePort));
            system._services.Add(ServiceProcess.Start("Scoring", system.DataDirectory, system.Environment("Scoring"), scoringPort));
            system._services.Add(ServiceProcess.Start("Notifier", system.DataDirectory, system.Environment("Notifier"), notifierPort));
            system._services.Add(ServiceProcess.Start("Portal", system.DataDirectory, system.Environment("Portal"), portalPort));
            await Task.WhenAll(system._services.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))));

            // More instances once the first have migrated their databases; they share the data folder (intake's
            // Data Protection keys) and write their logs to a folder each.
            for (var instance = 2; instance <= instances; instance++)
            {
                var logs = Directory.CreateDirectory(Path.Combine(system.DataDirectory, $"instance{instance}")).FullName;
                foreach (var name in new[] { "Intake", "Scoring", "Notifier" })
                {
                    system._replicas.Add(ServiceProcess.Start(name, logs, system.Environment(name), ServiceProcess.FreePort()));
                }
            }

            await Task.WhenAll(system._replicas.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))));
            system.PatientClient = new HttpClient { BaseAddress = system.Intake.BaseAddress };
            system.IntakeClient = new HttpClient { BaseAddress = system.Intake.BaseAddress };
            system.NotifierClient = new HttpClient { BaseAddress = system.Notifier.BaseAddress };
            if (system.UsesProvider)
            {
                return system; // the APIs take the provider's tokens only: the test signs its clients in with its provider
            }

            system.Tokens["admin"] = await system.TokenAsync("admin", system.AdminPassword);
            system.IntakeClient.DefaultRequestHeaders.Authorization = new("Bearer", system.Tokens["admin"]);
            foreach (var (user, role, password) in new[] { ("nurse1", "nurse", system.NursePassword), ("operator1", "operator", system.OperatorPassword) })
            {
                (await system.IntakeClient.PostAsJsonAsync("/api/users", new { userName = user, roles = new[] { role }, password })).EnsureSuccessStatusCode();
                system.Tokens[role] = await system.TokenAsync(user, password);
            }

            system.NotifierClient.DefaultRequestHeaders.Authorization = new("Bearer", system.Tokens["nurse"]);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the console needs to reach this system: its services, its broker and virtual host, a config folder for the sign-in.</summary>
    public Dictionary<string, string?> CliEnvironment(string configHome) => new()
    {
        ["RabbitMq__ManagementUrl"] = Broker.ManagementUrl.ToString(),
        ["RabbitMq__Host"] = "127.0.0.1",
        ["RabbitMq__Port"] = Broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq__VirtualHost"] = Broker.VirtualHost,
        ["RabbitMq__Username"] = "guest",
        ["RabbitMq__Password"] = "guest",
        ["SURVEYS_INTAKE_URL"] = Intake.BaseAddress.ToString(),
        ["SURVEYS_SCORING_URL"] = Service("Scoring").BaseAddress.ToString(),
        ["SURVEYS_NOTIFIER_URL"] = Notifier.BaseAddress.ToString(),
        ["SURVEYS_PORTAL_URL"] = Portal.BaseAddress.ToString(),
        ["SURVEYS_DATA_DIR"] = DataDirectory,
        ["XDG_CONFIG_HOME"] = configHome,
    };

    /// <summary>Kills a service with SIGKILL (as a crash or power cut would), and starts it again on the same port and data.</summary>
    public async Task KillAsync(string name) => await Service(name).KillAsync();

    public async Task<int> TerminateAsync(string name) => await Service(name).TerminateAsync(TimeSpan.FromSeconds(30));

    public async Task RestartAsync(string name)
    {
        var old = Service(name);
        await old.DisposeAsync();
        var fresh = ServiceProcess.Start(name, DataDirectory, Environment(name), old.BaseAddress.Port);
        _services[_services.IndexOf(old)] = fresh;
        await fresh.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs a query against a service's own database (its SQLite file, or its PostgreSQL database), as the service sees it.</summary>
    public async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = await ConnectAsync(database);
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    /// <summary>Reads rows from a service's own database.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string database, string sql)
    {
        await using var connection = await ConnectAsync(database);
        return [.. await connection.QueryAsync<T>(sql)];
    }

    private async Task<System.Data.Common.DbConnection> ConnectAsync(string database)
    {
        System.Data.Common.DbConnection connection = _databases.TryGetValue(database, out var postgres)
            ? new Npgsql.NpgsqlConnection(postgres)
            : new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(DataDirectory, $"{database}.db"),
                Mode = SqliteOpenMode.ReadWrite,
                Pooling = false,
                DefaultTimeout = 30,
            }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Opens a connection to a service's database file (for holding its write lock).</summary>
    public SqliteConnection OpenDatabase(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDirectory, $"{database}.db"),
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Signs in through POST /api/auth/token and returns the bearer token.</summary>
    public async Task<string> TokenAsync(string userName, string password)
    {
        var response = await PatientClient.PostAsJsonAsync("/api/auth/token", new { userName, password });
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
        IssuedTokens.Add(token);
        return token;
    }

    /// <summary>
    /// A client signed in to the staff portal through its sign-in form, as a browser without JavaScript would: the form's
    /// antiforgery token, the person's password, then the portal's cookie on every request. Redirects are not followed.
    /// </summary>
    public async Task<HttpClient> PortalSessionAsync(string userName, string password)
    {
        var portal = PortalForms.Browser(Portal.BaseAddress);
        using var response = await PortalForms.SignInAsync(portal, userName, password);
        Assert.That((int)response.StatusCode, Is.EqualTo(302), $"{userName} signs in to the portal: {await response.Content.ReadAsStringAsync()}");
        return portal;
    }

    private async Task CreateDatabasesAsync(string server)
    {
        _postgresServer = server;
        var prefix = $"surveys_e2e_{Guid.NewGuid():N}";
        foreach (var service in new[] { "intake", "scoring", "notifier" })
        {
            var name = $"{prefix}_{service}";
            await AdminAsync($"CREATE DATABASE {name}");
            _databases[service] = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
        }
    }

    private async Task AdminAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_postgresServer);
        await connection.OpenAsync();
        await connection.ExecuteAsync(sql);
    }

    private Dictionary<string, string> Environment(string service)
    {
        var environment = Environment();
        if (_databases.TryGetValue(service.ToLowerInvariant(), out var database))
        {
            environment["Storage__Engine"] = "Postgres";
            environment["Storage__ConnectionString"] = database;
        }

        foreach (var (key, value) in _serviceSettings.GetValueOrDefault(service) ?? [])
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>An OpenID Connect provider alone (Auth__Authority in the settings): no signing key, no password accounts for the tests.</summary>
    private bool UsesProvider => _settings.ContainsKey("Auth__Authority");

    private Dictionary<string, string> Environment()
    {
        var environment = EnvironmentWithKey();
        if (UsesProvider)
        {
            environment.Remove("Auth__SigningKey");
        }

        return environment;
    }

    private Dictionary<string, string> EnvironmentWithKey() => new(_settings)
    {
        ["ASPNETCORE_ENVIRONMENT"] = _settings.GetValueOrDefault("ASPNETCORE_ENVIRONMENT", "Development"),
        ["Auth__SigningKey"] = SigningKey,
        ["Metrics__ScrapeToken"] = ScrapeToken,
        ["Auth__BootstrapAdminPassword"] = AdminPassword,
        ["RateLimits__LinkRequestsPerMinute"] = _settings.GetValueOrDefault("RateLimits__LinkRequestsPerMinute", "1000000"),
        ["RateLimits__SignInAttemptsPerMinute"] = _settings.GetValueOrDefault("RateLimits__SignInAttemptsPerMinute", "1000"),
        ["Storage__DataDirectory"] = DataDirectory,
        ["RabbitMq__Host"] = "127.0.0.1",
        ["RabbitMq__Port"] = Broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq__VirtualHost"] = Broker.VirtualHost,
        ["RabbitMq__Username"] = "guest",
        ["RabbitMq__Password"] = "guest",
    };

    /// <param name="intake">An instance's staff client; the first intake instance's by default.</param>
    public async Task<Guid> CreatePatientAsync(HttpClient? intake = null)
    {
        var response = await (intake ?? IntakeClient).PostAsync(new Uri("/api/patients", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    /// <summary>A fresh patient with one invitation; returns the token.</summary>
    public async Task<string> NewInvitationAsync(string instrument) => await InviteAsync(await CreatePatientAsync(), instrument);

    public async Task<string> InviteAsync(Guid patientId, string instrument, HttpClient? intake = null)
    {
        var response = await (intake ?? IntakeClient).PostAsJsonAsync($"/api/patients/{patientId}/invitations", new { instrument });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
    }

    public async Task<Guid> SubmitAsync(string token, IDictionary<string, int> answers, HttpClient? intake = null)
    {
        var response = await (intake ?? PatientClient).PostAsJsonAsync("/api/responses", new { token, answers });
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
        foreach (var service in _services.Concat(_replicas))
        {
            await service.DisposeAsync();
        }

        Npgsql.NpgsqlConnection.ClearAllPools();
        foreach (var database in _databases.Values)
        {
            await AdminAsync($"DROP DATABASE IF EXISTS {new Npgsql.NpgsqlConnectionStringBuilder(database).Database} WITH (FORCE)");
        }

        IntakeClient?.Dispose();
        PatientClient?.Dispose();
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
