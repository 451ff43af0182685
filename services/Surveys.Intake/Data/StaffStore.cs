using Dapper;
using Surveys.Data;

namespace Surveys.Intake.Data;

public sealed record StaffUser(string UserName, string PasswordHash, string Roles, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt)
{
    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A pair's (account and client address) failed sign-ins: since its last lock or good sign-in, and its locks so far.</summary>
public sealed record SignInFailures(long Failures, long Locks, DateTimeOffset? LockedUntil);

/// <summary>The SQL behind staff accounts.</summary>
public sealed class StaffStore(Db db)
{
    private const string Columns =
        "user_name AS UserName, password_hash AS PasswordHash, roles AS Roles, created_at AS CreatedAt, disabled_at AS DisabledAt";

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

    /// <summary>The failed sign-ins to one account (or name) from one client address; null when there are none.</summary>
    public async Task<SignInFailures?> FailuresAsync(string userName, string address, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SignInFailures>(new CommandDefinition(
            "SELECT failures AS Failures, locks AS Locks, locked_until AS LockedUntil FROM sign_in_failures WHERE user_name = @userName AND address = @address",
            new { userName, address }, cancellationToken: ct));
    }

    /// <summary>
    /// Records a failed sign-in of the pair (counted unless <paramref name="count"/> is false: the pair is locked) and forgets
    /// pairs whose last failure is older than <paramref name="forgetBefore"/> and that are not locked; returns the pair's count.
    /// </summary>
    public async Task<long> RecordFailureAsync(string userName, string address, bool count, DateTimeOffset now, DateTimeOffset forgetBefore, CancellationToken ct)
    {
        return await db.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM sign_in_failures WHERE last_failure_at < @forgetBefore AND (locked_until IS NULL OR locked_until < @now)",
                new { forgetBefore, now }, transaction, cancellationToken: ct));
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO sign_in_failures (user_name, address, failures, locks, last_failure_at) VALUES (@userName, @address, @increment, 0, @now)
                ON CONFLICT (user_name, address) DO UPDATE SET failures = sign_in_failures.failures + @increment, last_failure_at = @now
                RETURNING failures
                """,
                new { userName, address, increment = count ? 1 : 0, now }, transaction, cancellationToken: ct));
        }, ct);
    }

    /// <summary>Locks the pair until <paramref name="until"/>; its count starts again from zero when the lock ends.</summary>
    public async Task LockAsync(string userName, string address, DateTimeOffset until, CancellationToken ct)
    {
        await db.ExecuteAsync(
            "UPDATE sign_in_failures SET failures = 0, locks = locks + 1, locked_until = @until WHERE user_name = @userName AND address = @address",
            new { userName, address, until }, ct);
    }

    /// <summary>Accounts locked from at least one address at <paramref name="now"/>.</summary>
    public async Task<IReadOnlySet<string>> LockedAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var names = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT user_name FROM sign_in_failures WHERE locked_until > @now", new { now }, cancellationToken: ct));
        return names.ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A good sign-in: the pair's failures and locks are forgotten, and the hash is upgraded when the hasher asked for it.</summary>
    public async Task RecordSuccessAsync(string userName, string address, string? rehashedPassword, CancellationToken ct)
    {
        await db.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM sign_in_failures WHERE user_name = @userName AND address = @address", new { userName, address }, transaction, cancellationToken: ct));
            if (rehashedPassword is not null)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE staff_users SET password_hash = @rehashedPassword WHERE user_name = @userName", new { userName, rehashedPassword }, transaction, cancellationToken: ct));
            }

            return 0;
        }, ct);
    }

    /// <summary>Replaces an active account's roles; false when there is no such active account.</summary>
    public async Task<bool> SetRolesAsync(string userName, IEnumerable<string> roles, CancellationToken ct)
    {
        return await db.ExecuteAsync(
            "UPDATE staff_users SET roles = @roles WHERE user_name = @userName AND disabled_at IS NULL", new { userName, roles = string.Join(',', roles) }, ct) > 0;
    }

    /// <summary>Replaces an active account's password hash (which changes its stamp, so its sessions end); false when there is no such active account.</summary>
    public async Task<bool> SetPasswordAsync(string userName, string passwordHash, CancellationToken ct)
    {
        return await db.ExecuteAsync(
            "UPDATE staff_users SET password_hash = @passwordHash WHERE user_name = @userName AND disabled_at IS NULL", new { userName, passwordHash }, ct) > 0;
    }

    public async Task<bool> DisableAsync(string userName, DateTimeOffset at, CancellationToken ct)
    {
        return await db.ExecuteAsync(
            "UPDATE staff_users SET disabled_at = @at WHERE user_name = @userName AND disabled_at IS NULL", new { userName, at }, ct) > 0;
    }
}
