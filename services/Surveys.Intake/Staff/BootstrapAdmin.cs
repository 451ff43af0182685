using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Surveys.Web.Security;

namespace Surveys.Intake.Staff;

/// <summary>
/// First run: when no account exists and Auth:BootstrapAdminPassword is set (infra/run.sh sets it from
/// SURVEYS_ADMIN_PASSWORD or a generated password it prints once), creates the account "admin". Kestrel may be
/// listening before this has run, so it is also a readiness check: intake is not ready until the account exists,
/// and whoever waits for readiness (run.sh, the tests) can sign in at once.
/// </summary>
public sealed partial class BootstrapAdmin(StaffStore store, StaffAccounts accounts, IOptions<AuthOptions> options, ILogger<BootstrapAdmin> logger)
    : IHostedService, IHealthCheck
{
    private volatile bool _done;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("the first account is not created yet"));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await CreateAsync(cancellationToken);
        _done = true;
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        var password = options.Value.BootstrapAdminPassword;
        if (string.IsNullOrEmpty(password) || await store.CountAsync(cancellationToken) > 0)
        {
            return;
        }

        if (StaffAccounts.CheckPassword(password) is { } problem)
        {
            throw new InvalidOperationException($"Auth:BootstrapAdminPassword is too weak: {problem}");
        }

        if (await accounts.AddAsync("admin", password, [Roles.Admin], cancellationToken))
        {
            LogCreated(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first account, 'admin', from Auth:BootstrapAdminPassword")]
    private static partial void LogCreated(ILogger logger);
}
