using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Data;
using Surveys.Web.Security;

namespace Surveys.Testing;

/// <summary>
/// One service in-process (its own Program, everything it registers) on MassTransit's in-memory test harness instead of
/// RabbitMQ, with a storage of its own: a SQLite file in a temporary folder, or a fresh PostgreSQL database. In
/// Development, like infra/run.sh and the system suite. Start one per fixture; dispose it in the fixture's tear-down.
/// </summary>
/// <typeparam name="TProgram">The service's entry point (its <c>Program</c>).</typeparam>
public class ServiceFactory<TProgram> : WebApplicationFactory<TProgram>
    where TProgram : class
{
    private readonly Dictionary<string, string?> _settings;
    private readonly List<Action<IServiceCollection>> _services = [];

    /// <param name="engine">Where the service keeps its data (a PostgreSQL test is ignored, saying so, without SURVEYS_TEST_POSTGRES).</param>
    /// <param name="settings">Extra configuration (Section:Key), over the defaults below.</param>
    public ServiceFactory(StorageEngine engine = StorageEngine.Sqlite, IDictionary<string, string?>? settings = null)
    {
        Storage = TestDatabase.Create(engine);
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Auth:SigningKey"] = SigningKey,
            ["Auth:BootstrapAdminPassword"] = AdminPassword,
            ["Metrics:ScrapeToken"] = ScrapeToken,
            ["RateLimits:LinkRequestsPerMinute"] = "1000000",
            ["RateLimits:SignInAttemptsPerMinute"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Storage:DataDirectory"] = Storage.Directory,
            ["Storage:Engine"] = engine.ToString(),
            ["Storage:ConnectionString"] = Storage.ConnectionString,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    /// <summary>The first account's password (Auth:BootstrapAdminPassword, which intake reads).</summary>
    public string AdminPassword { get; } = $"admin-{Guid.NewGuid():N}";

    /// <summary>The key the service signs and checks bearer tokens with.</summary>
    public string SigningKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));

    /// <summary>What a Prometheus sends for /metrics (Metrics:ScrapeToken).</summary>
    public string ScrapeToken { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public TestDatabase Storage { get; }

    /// <summary>The in-memory bus: what the service published, sent and consumed.</summary>
    public ITestHarness Harness => Services.GetTestHarness();

    /// <summary>
    /// Waits (up to 30 s) until the service has published a <typeparamref name="T"/> that <paramref name="which"/> accepts and
    /// returns it; null if none came. Unlike the harness's own Any, it does not give up early when the bus is idle for a
    /// while (the outbox relay publishes on its own schedule).
    /// </summary>
    public async Task<T?> PublishedAsync<T>(Func<T, bool> which)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(which);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = Harness.Published.Select<T>().Select(m => m.Context.Message).LastOrDefault(which);
            if (found is not null || DateTime.UtcNow > deadline)
            {
                return found;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits (up to 30 s) until the service has consumed a <typeparamref name="T"/> that <paramref name="which"/> accepts.</summary>
    public async Task<bool> ConsumedAsync<T>(Func<T, bool> which)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(which);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Harness.Consumed.Select<T>().Any(m => which(m.Context.Message)))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>Replaces or adds services after the service's own registrations (e.g. a stub for a remote service, a fake clock).</summary>
    public ServiceFactory<TProgram> WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>Starts the service (its hosted services: migrations, outbox relay, bus) and returns it.</summary>
    public ServiceFactory<TProgram> Start()
    {
        _ = Server;
        return this;
    }

    /// <summary>A client with no credentials (a patient, or nobody).</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client that sends <paramref name="token"/> as its bearer token.</summary>
    public HttpClient WithToken(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// A bearer token signed with this service's key for <paramref name="userName"/> in <paramref name="roles"/>, as intake's
    /// POST /api/auth/token issues them: for services that do not hold the accounts (their account check is stubbed).
    /// </summary>
    public string MintToken(string userName, params string[] roles)
    {
        var identity = new ClaimsIdentity("test");
        identity.AddClaim(new Claim(StaffAuth.NameClaim, userName));
        identity.AddClaim(new Claim(StaffAuth.StampClaim, "stamp"));
        foreach (var role in roles)
        {
            identity.AddClaim(new Claim(StaffAuth.RoleClaim, role));
        }

        return StaffTokens.Create(identity, new AuthOptions { SigningKey = SigningKey }, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(30));
    }

    /// <summary>Signs in through POST /api/auth/token (intake) and returns the bearer token.</summary>
    public async Task<string> TokenAsync(string userName, string password)
    {
        using var client = Anonymous();
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password });
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
    }

    /// <summary>Runs a query against the service's own database, as the service sees it.</summary>
    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = await Services.GetRequiredService<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    /// <summary>Changes rows in the service's own database (a test's set-up); returns how many.</summary>
    public async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await Services.GetRequiredService<Db>().OpenAsync();
        return await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>Reads rows from the service's own database.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Services.GetRequiredService<Db>().OpenAsync();
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            // Replaces the RabbitMQ bus the service registers (BusRegistration.AddSurveysBus) with the in-memory one,
            // keeping the service's consumers.
            services.AddMassTransitTestHarness();
            foreach (var configure in _services)
            {
                configure(services);
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Storage.Dispose();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Storage.Dispose();
        GC.SuppressFinalize(this);
    }
}
