using Surveys.Data.Audit;
using Surveys.Web.Security;

namespace Surveys.Intake.Staff;

/// <summary>Staff accounts (admin role): <c>surveys users add|list|disable</c> call these.</summary>
public static class UsersApi
{
    public sealed record AddUser(string? UserName, string[]? Roles, string? Password);

    /// <param name="Password">Only when the platform generated it: shown once, kept nowhere.</param>
    public sealed record UserAdded(string UserName, IReadOnlyList<string> Roles, string? Password);

    public sealed record SetRoles(string[]? Roles);

    /// <param name="LockedOut">Locked for too many wrong passwords from at least one address (only that address is refused).</param>
    /// <param name="Password">Generated: shown once, kept nowhere.</param>
    public sealed record PasswordReset(string UserName, string Password);

    public sealed record UserSummary(string UserName, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, bool Disabled, bool LockedOut);

    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Staff accounts").RequireAuthorization(Roles.Admin);
        group.MapPost("/", Add).WithSummary("Add a staff account; the password is generated when none is given.").ProducesValidationProblem();
        group.MapGet("/", List).WithSummary("Every staff account, without passwords.");
        group.MapDelete("/{userName}", Disable).WithSummary("Disable an account (it is kept for the audit trail); its sessions end within a minute, and at once for any action.");
        group.MapPost("/{userName}/password", ResetPassword)
            .WithSummary("Give an account a newly generated password, shown once; its sessions end.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{userName}/roles", ChangeRoles).WithSummary("Replace an account's roles; its sessions end (sign in again to use the new roles).").ProducesValidationProblem();
        return group;
    }

    private static async Task<Results<Created<UserAdded>, ValidationProblem, ProblemHttpResult>> Add(
        AddUser request, StaffAccounts accounts, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (StaffAccounts.CheckUserName(request.UserName) is { } nameError)
        {
            errors["userName"] = [nameError];
        }

        if (CheckRoles(request.Roles) is { } rolesError)
        {
            errors["roles"] = [rolesError];
        }

        if (request.Password is not null && StaffAccounts.CheckPassword(request.Password) is { } passwordError)
        {
            errors["password"] = [passwordError];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The account cannot be added");
        }

        var roles = request.Roles!;
        var password = request.Password ?? StaffAccounts.GeneratePassword();
        if (!await accounts.AddAsync(request.UserName!, password, roles.Distinct(), ct))
        {
            await audit.RecordAsync(context, "user_add", request.UserName, "conflict");
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "User name taken", detail: $"There is already an account named {request.UserName}.");
        }

        await audit.RecordAsync(context, "user_add", $"{request.UserName} ({string.Join(",", roles.Distinct())})");
        return TypedResults.Created($"/api/users/{request.UserName}", new UserAdded(request.UserName!, roles.Distinct().ToList(), request.Password is null ? password : null));
    }

    private static string? CheckRoles(string[]? roles) =>
        roles is { Length: > 0 } && roles.All(r => Roles.All.Contains(r)) ? null : $"Give one or more of: {string.Join(", ", Roles.All)}.";

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangeRoles(
        string userName, SetRoles request, Data.StaffStore store, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        if (CheckRoles(request.Roles) is { } rolesError)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["roles"] = [rolesError] }, title: "The roles cannot be changed");
        }

        var roles = request.Roles!.Distinct().ToList();
        if (!await store.SetRolesAsync(userName, roles, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such active account", detail: $"No active account is named {userName}.");
        }

        await audit.RecordAsync(context, "user_roles", $"{userName} ({string.Join(",", roles)})");
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<UserSummary>>> List(Data.StaffStore store, AuditLog audit, HttpContext context, TimeProvider time, CancellationToken ct)
    {
        var users = await store.ListAsync(ct);
        var locked = await store.LockedAsync(time.GetUtcNow(), ct);
        await audit.RecordAsync(context, "users_view", $"accounts={users.Count}");
        return TypedResults.Ok(users.Select(u => new UserSummary(u.UserName, u.RoleList, u.CreatedAt, u.DisabledAt is not null, locked.Contains(u.UserName))).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Disable(string userName, Data.StaffStore store, AuditLog audit, HttpContext context, TimeProvider time, CancellationToken ct)
    {
        if (!await store.DisableAsync(userName, time.GetUtcNow(), ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such active account", detail: $"No active account is named {userName}.");
        }

        await audit.RecordAsync(context, "user_disable", userName);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<PasswordReset>, ValidationProblem, ProblemHttpResult>> ResetPassword(
        string userName, StaffAccounts accounts, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        if (StaffAccounts.CheckUserName(userName) is { } nameError)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userName"] = [nameError] }, title: "The password cannot be reset");
        }

        var password = await accounts.ResetPasswordAsync(userName, ct);
        if (password is null)
        {
            await audit.RecordAsync(context, "user_password_reset", userName, "not_found");
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such active account", detail: $"No active account is named {userName}.");
        }

        await audit.RecordAsync(context, "user_password_reset", userName);
        return TypedResults.Ok(new PasswordReset(userName, password));
    }
}
