namespace Surveys.Web.Security;

/// <summary>Staff roles and the authorization policies named after them.</summary>
public static class Roles
{
    /// <summary>Patients, enrolment, invitations, staff accounts, the audit trail.</summary>
    public const string Admin = "admin";

    /// <summary>Alerts, patients' scores and answers; acknowledge and resolve.</summary>
    public const string Nurse = "nurse";

    /// <summary>Queues, failures, replays, health; no patient data.</summary>
    public const string Operator = "operator";

    public static readonly IReadOnlyList<string> All = [Admin, Nurse, Operator];

    /// <summary>Policy for any signed-in staff member, whatever the role.</summary>
    public const string AnyStaff = "staff";
}
