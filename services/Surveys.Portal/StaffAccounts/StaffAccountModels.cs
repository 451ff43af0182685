using Surveys.Web.Security;

namespace Surveys.Portal.StaffAccounts;

/// <summary>A staff account as intake's <c>GET /api/users</c> lists it.</summary>
public sealed record StaffAccount(string UserName, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, bool Disabled, bool LockedOut);

public sealed record AccountAdded(string UserName, IReadOnlyList<string> Roles, string? Password);

public sealed record PasswordReset(string UserName, string Password);

/// <summary>The role checkboxes of a form.</summary>
public sealed class RoleChoice
{
    /// <summary>Posted by a hidden field, so a form with no box ticked still carries the choice (of no role) rather than none.</summary>
    public bool Posted { get; set; }

    public bool Admin { get; set; }

    public bool Nurse { get; set; }

    public bool Operator { get; set; }

    public string[] Chosen() =>
        new[] { (Admin, Roles.Admin), (Nurse, Roles.Nurse), (Operator, Roles.Operator) }.Where(r => r.Item1).Select(r => r.Item2).ToArray();

    public static RoleChoice Of(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        return new RoleChoice { Admin = set.Contains(Roles.Admin), Nurse = set.Contains(Roles.Nurse), Operator = set.Contains(Roles.Operator) };
    }
}

/// <summary>The add-an-account form.</summary>
public sealed class NewAccountForm
{
    public string? UserName { get; set; }

    public RoleChoice Roles { get; set; } = new();
}

/// <summary>The change-roles form.</summary>
public sealed class RolesForm
{
    public RoleChoice Roles { get; set; } = new();
}
