using Dapper;
using Surveys.ServiceDefaults.Data;

namespace Surveys.Intake.Data;

public sealed record StaffUser(string UserName, string PasswordHash, string Roles, long FailedAttempts, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt)
{
    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>The SQL behind staff accounts.</summary>
public sealed class StaffStore(Db db)
{
    private const string Columns =
        "user_name AS UserName, password_hash AS PasswordHash, roles AS Roles, failed_attempts AS FailedAttempts, locked_until AS LockedUntil, created_at AS CreatedAt, disabled_at AS DisabledAt";

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM staff_users", cancellationToken: ct));
    }

    /// <summary>Adds an account; false when the name is taken.</summary>
    public async Task<bool> AddAsync(string userName, string passwordHash, IEnumerable<string> roles, DateTimeOffset createdAt, CancellationToken ct)
    {
        var rows = await db.WriteAsync((connection, transaction) => connection.QueryAsync<string>(new CommandDefinition(
            """
            INSERT INTO staff_users (user_name, password_hash, roles, created_at) VALUES (@userName, @passwordHash, @roles, @createdAt)
            ON CONFLICT (user_name) DO NOTHING
            RETURNING user_name
            """,
            new { userName, passwordHash, roles = string.Join(',', roles), createdAt },
            transaction,
            cancellationToken: ct)), ct);
        return rows.Any();
    }

    public async Task<StaffUser?> FindAsync(string userName, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<StaffUser>(new CommandDefinition(
            $"SELECT {Columns} FROM staff_users WHERE user_name = @userName", new { userName }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<StaffUser>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<StaffUser>(new CommandDefinition($"SELECT {Columns} FROM staff_users ORDER BY user_name", cancellationToken: ct))).AsList();
    }

    public async Task RecordFailureAsync(string userName, int lockoutAttempts, DateTimeOffset lockUntil, CancellationToken ct)
    {
        await db.ExecuteAsync(
            """
            UPDATE staff_users SET failed_attempts = failed_attempts + 1,
                   locked_until = CASE WHEN failed_attempts + 1 >= @lockoutAttempts THEN @lockUntil ELSE locked_until END
            WHERE user_name = @userName
            """,
            new { userName, lockoutAttempts, lockUntil }, ct);
    }

    public async Task RecordSuccessAsync(string userName, string? rehashedPassword, CancellationToken ct)
    {
        await db.ExecuteAsync(
            "UPDATE staff_users SET failed_attempts = 0, locked_until = NULL, password_hash = COALESCE(@rehashedPassword, password_hash) WHERE user_name = @userName",
            new { userName, rehashedPassword }, ct);
    }

    /// <summary>Replaces an active account's roles; false when there is no such active account.</summary>
    public async Task<bool> SetRolesAsync(string userName, IEnumerable<string> roles, CancellationToken ct)
    {
        return await db.ExecuteAsync(
            "UPDATE staff_users SET roles = @roles WHERE user_name = @userName AND disabled_at IS NULL", new { userName, roles = string.Join(',', roles) }, ct) > 0;
    }

    public async Task<bool> DisableAsync(string userName, DateTimeOffset at, CancellationToken ct)
    {
        return await db.ExecuteAsync(
            "UPDATE staff_users SET disabled_at = @at WHERE user_name = @userName AND disabled_at IS NULL", new { userName, at }, ct) > 0;
    }
}
