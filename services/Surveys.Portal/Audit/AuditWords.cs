namespace Surveys.Portal.Audit;

/// <summary>One entry of a service's audit trail, as <c>GET /api/audit</c> returns it.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string? Target, string Outcome, string? ClientAddress);

/// <summary>The audit trail's actions and outcomes in the words staff use.</summary>
public static class AuditWords
{
    public static readonly IReadOnlyDictionary<string, string> Actions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sign_in"] = "Signed in",
        ["users_view"] = "Viewed the staff accounts",
        ["user_add"] = "Added a staff account",
        ["user_roles"] = "Changed a staff account's roles",
        ["user_password_reset"] = "Reset a staff account's password",
        ["user_disable"] = "Disabled a staff account",
        ["patient_enrol"] = "Enrolled a patient",
        ["patient_view"] = "Viewed a patient's details",
        ["patient_contacts_change"] = "Changed a patient's contacts",
        ["patient_protocol_change"] = "Changed a patient's protocol",
        ["invitations_view"] = "Viewed a patient's invitations",
        ["invitation_issue"] = "Sent a questionnaire link",
        ["invitation_resend"] = "Resent a questionnaire link",
        ["alerts_view"] = "Viewed the alerts",
        ["alert_view"] = "Viewed an alert",
        ["alert_acknowledge"] = "Acknowledged an alert",
        ["alert_resolve"] = "Resolved an alert",
        ["alert_outbox_view"] = "Viewed the development alert outbox",
        ["dev_outbox_view"] = "Viewed the development message outbox",
        ["audit_view"] = "Read the audit trail",
        ["research_export_start"] = "Started a research export",
        ["research_export"] = "Downloaded a research export",
        ["outcomes_report"] = "Opened the outcomes report",
        ["fhir_observation_search"] = "Searched results through FHIR",
        ["fhir_observation_view"] = "Read a result through FHIR",
        ["fhir_response_view"] = "Read answers through FHIR",
        ["errors_replay"] = "Replayed failed messages",
        ["errors_purge"] = "Deleted failed messages",
    };

    public static string Action(string action) => Actions.TryGetValue(action, out var words) ? words : Plain(action);

    public static string Outcome(string outcome) => outcome switch
    {
        "ok" => "Done",
        "failed" => "Refused: wrong user name or password",
        "locked_out" => "Refused: locked after wrong passwords",
        "throttled" => "Refused: too many attempts",
        "conflict" => "Refused: the user name is taken",
        "not_found" or "NotFound" => "Refused: not found",
        "closed" => "Refused: the link was already closed",
        "AlreadyResolved" => "Refused: already resolved",
        "started" => "Started",
        _ when outcome.StartsWith("replayed ", StringComparison.Ordinal) => $"Replayed {outcome[9..]}",
        _ when outcome.StartsWith("about ", StringComparison.Ordinal) => $"About {outcome[6..]} messages",
        _ => Plain(outcome),
    };

    /// <summary>What an entry is about: ids stay ids (a patient's pseudonymous id, a user name), the few codes become words.</summary>
    public static string? Target(string action, string? target) => (action, target) switch
    {
        ("sign_in", "api_token") => "Through the portal or the API",
        ("sign_in", "web") => "On a service's own sign-in page",
        (_, { } rows) when rows.StartsWith("rows=", StringComparison.Ordinal) => $"{rows[5..]} entries",
        (_, { } count) when count.StartsWith("accounts=", StringComparison.Ordinal) => $"{count[9..]} accounts",
        _ => target,
    };

    /// <summary>An action or outcome this page has no words for yet: its code with spaces, still readable.</summary>
    private static string Plain(string code) => code.Length == 0 ? code : char.ToUpperInvariant(code[0]) + code[1..].Replace('_', ' ');
}
