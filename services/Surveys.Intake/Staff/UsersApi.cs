using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Security;

namespace Surveys.Intake.Staff;

/// <summary>Staff accounts (admin role): <c>surveys users add|list|disable</c> call these.</summary>
public static class UsersApi
{
    public sealed record AddUser(string? UserName, string[]? Roles, string? Password);

    /// <param name="Password">Only when the platform generated it: shown once, kept nowhere.</param>
    public sealed record UserAdded(string UserName, IReadOnlyList<string> Roles, string? Password);

    public sealed record UserSummary(string UserName, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, bool Disabled, bool LockedOut);

    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Staff accounts").RequireAuthorization(Roles.Admin);
        group.MapPost("/", Add).WithSummary("Add a staff account; the password is generated when none is given.").ProducesValidationProblem();
        group.MapGet("/", List).WithSummary("Every staff account, without passwords.");
        group.MapDelete("/{userName}", Disable).WithSummary("Disable an account (it is kept for the audit trail).");
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

        var roles = request.Roles ?? [];
        if (roles.Length == 0 || roles.Any(r => !Roles.All.Contains(r)))
        {
            errors["roles"] = [$"Give one or more of: {string.Join(", ", Roles.All)}."];
        }

        if (request.Password is not null && StaffAccounts.CheckPassword(request.Password) is { } passwordError)
        {
            errors["password"] = [passwordError];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The account cannot be added");
        }

        var password = request.Password ?? StaffAccounts.GeneratePassword();
        if (!await accounts.AddAsync(request.UserName!, password, roles.Distinct(), ct))
        {
            await audit.RecordAsync(context, "user_add", request.UserName, "conflict");
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "User name taken", detail: $"There is already an account named {request.UserName}.");
        }

        await audit.RecordAsync(context, "user_add", $"{request.UserName} ({string.Join(",", roles.Distinct())})");
        return TypedResults.Created($"/api/users/{request.UserName}", new UserAdded(request.UserName!, roles.Distinct().ToList(), request.Password is null ? password : null));
    }

    private static async Task<Ok<List<UserSummary>>> List(Data.StaffStore store, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var users = await store.ListAsync(ct);
        return TypedResults.Ok(users.Select(u => new UserSummary(u.UserName, u.RoleList, u.CreatedAt, u.DisabledAt is not null, u.LockedUntil > now)).ToList());
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
}
