using System.Security.Claims;
using Surveys.Web.Security;

namespace Surveys.Portal.Components.Layout;

/// <summary>One place in the portal: where it is, what it is called, what it is for and who may open it.</summary>
public sealed record NavigationItem(string Href, string Text, string Description, params string[] Roles)
{
    /// <summary>Only where messages are not sent (Development).</summary>
    public bool DevelopmentOnly { get; init; }
}

/// <summary>The portal's places by role: the header's navigation and the home page are both made from this list.</summary>
public static class PortalNavigation
{
    public static readonly IReadOnlyList<NavigationItem> Items =
    [
        new("/alerts", "Alerts", "Alerts waiting for a nurse, the most urgent first; acknowledge and resolve them.", Roles.Nurse),
        new("/patients", "Patients", "Find a patient by name, clinic number or id: contact details, results, diary and alerts.", Roles.Nurse, Roles.Admin),
        new("/staff-accounts", "Staff accounts", "Add staff, give or take roles, disable an account, reset a password.", Roles.Admin),
        new("/audit", "Audit trail", "Who did what and when: sign-ins, views of patients' details, changes.", Roles.Admin),
        new("/research", "Research", "The research export, its data dictionary and the outcomes report.", Roles.Admin),
        new("/pipeline", "Pipeline", "The services, queues and backlogs; failed messages, replay and purge.", Roles.Operator),
        new("/dev/outbox", "Development outbox", "Development: the messages that would have been sent to patients and staff.", Roles.Admin, Roles.Nurse)
        {
            DevelopmentOnly = true,
        },
    ];

    public static IEnumerable<NavigationItem> For(ClaimsPrincipal user, bool development)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Items.Where(item => item.Roles.Any(user.IsInRole) && (development || !item.DevelopmentOnly));
    }

    /// <summary>Roles in the words staff use.</summary>
    public static string RoleName(string role) => role switch
    {
        Roles.Admin => "administrator",
        Roles.Nurse => "nurse",
        Roles.Operator => "operator",
        _ => role,
    };
}
