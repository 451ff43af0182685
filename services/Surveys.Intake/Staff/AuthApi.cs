using System.Security.Claims;
using Surveys.Data.Audit;
using Surveys.Web.Security;

namespace Surveys.Intake.Staff;

/// <summary><c>POST /api/auth/token</c>: scripts and the console get a bearer token without a browser.</summary>
public static class AuthApi
{
    public sealed record TokenRequest(string? UserName, string? Password);

    public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string UserName, IReadOnlyList<string> Roles);

    /// <summary>The answer to a session check: the account as it is now.</summary>
    public sealed record SessionResponse(string UserName, IReadOnlyList<string> Roles);

    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Sign-in");
        group.MapPost("/token", IssueToken)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.SignIn)
            .WithSummary("Exchange a user name and password for a short-lived bearer token.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        // A POST, so that it is always checked afresh (SessionRevalidation): the other services ask it before every alert action.
        group.MapPost("/session", (ClaimsPrincipal user) => TypedResults.Ok(new SessionResponse(user.Identity!.Name!, user.FindAll(StaffAuth.RoleClaim).Select(c => c.Value).ToList())))
            .RequireAuthorization(Roles.AnyStaff)
            .WithSummary("Check the caller's session against the account now: 200 while it is current, 401 once the account is disabled or its password or roles changed.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(
        TokenRequest request, StaffAccounts accounts, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var result = await accounts.SignInAsync(request.UserName, request.Password, context.Connection.RemoteIpAddress, ct);
        var actor = string.IsNullOrEmpty(request.UserName) || StaffAccounts.CheckUserName(request.UserName) is not null ? "unknown" : request.UserName;
        switch (result.Outcome)
        {
            case SignInOutcome.Succeeded:
                await audit.RecordAsync(context, "sign_in", "api_token", actor: result.User!.UserName);
                var (token, lifetime) = accounts.IssueToken(result.User);
                return TypedResults.Ok(new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds, result.User.UserName, result.User.RoleList));
            default:
                // A locked pair is answered like any other failure (docs/security.md): only the audit trail tells them apart.
                await audit.RecordAsync(context, "sign_in", "api_token", result.Outcome == SignInOutcome.LockedOut ? "locked_out" : "failed", actor);
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: SignInRules.FailedSignIn);
        }
    }
}
