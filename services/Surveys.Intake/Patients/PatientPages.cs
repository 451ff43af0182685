using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Surveys.Intake.Data;
using Surveys.Intake.Invitations;
using Surveys.Intake.Scheduling;
using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Security;
using static Surveys.ServiceDefaults.Pages.HtmlPage;

namespace Surveys.Intake.Patients;

/// <summary>Staff pages: enrol a patient, and one page per patient listing invitations with a resend button.</summary>
public static class PatientPages
{
    public static IEndpointRouteBuilder MapPatientPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/staff/patients").RequireAuthorization(Roles.Admin).ExcludeFromDescription();
        group.MapGet("/new", (HttpContext context, IAntiforgery antiforgery, ProtocolCatalog protocols) => EnrolForm(context, antiforgery, protocols, null, null));
        group.MapPost("/", Enrol);
        group.MapGet("/{patientId:guid}", PatientPage);
        group.MapPost("/{patientId:guid}/invitations/{invitationId:guid}/resend", Resend);
        return app;
    }

    private static async Task<IResult> Enrol(
        [FromForm(Name = "displayName")] string? displayName, [FromForm(Name = "language")] string? language, [FromForm(Name = "timeZone")] string? timeZone,
        [FromForm(Name = "indexDate")] string? indexDate, [FromForm(Name = "protocol")] string? protocol, [FromForm(Name = "email")] string? email,
        [FromForm(Name = "sms")] string? sms, HttpContext context, IAntiforgery antiforgery, ProtocolCatalog protocols, ScheduleStore store,
        FollowUpScheduler scheduler, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var contacts = new List<PatientsApi.ContactRequest>();
        if (!string.IsNullOrWhiteSpace(email))
        {
            contacts.Add(new("email", email));
        }

        if (!string.IsNullOrWhiteSpace(sms))
        {
            contacts.Add(new("sms", sms));
        }

        var request = new PatientsApi.EnrolPatient(displayName, language, timeZone, indexDate, protocol, contacts);
        var (errors, patient) = PatientsApi.Validate(request, protocols, Guid.NewGuid(), time.GetUtcNow());
        if (patient is null)
        {
            return EnrolForm(context, antiforgery, protocols, request, errors);
        }

        await store.CreatePatientAsync(patient, ct);
        await audit.RecordAsync(context, "patient_enrol", patient.Id.ToString());
        if (patient.Protocol is not null)
        {
            await scheduler.IssueDueAsync(patient.Id, ct);
        }

        return Results.Redirect($"/staff/patients/{patient.Id}");
    }

    private static IResult EnrolForm(HttpContext context, IAntiforgery antiforgery, ProtocolCatalog protocols, PatientsApi.EnrolPatient? values, Dictionary<string, string[]>? errors)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var summary = new StringBuilder();
        if (errors is { Count: > 0 })
        {
            summary.Append("<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-title\" tabindex=\"-1\"><h2 id=\"error-title\">There is a problem</h2><ul>");
            foreach (var (field, messages) in errors)
            {
                var anchor = field.StartsWith("contacts", StringComparison.Ordinal) ? "email" : field;
                foreach (var message in messages)
                {
                    summary.Append("<li><a href=\"#").Append(E(anchor)).Append("\">").Append(E(message)).Append("</a></li>");
                }
            }

            summary.Append("</ul></div>");
        }

        string Option(string value, string label, string? selected) =>
            $"<option value=\"{E(value)}\"{(string.Equals(value, selected, StringComparison.Ordinal) ? " selected" : "")}>{E(label)}</option>";

        var protocolOptions = Option("", "None (invite by hand)", values?.Protocol ?? "") +
            string.Concat(protocols.All.Select(p => Option(p.Id, p.Title, values?.Protocol)));
        var email = values?.Contacts?.FirstOrDefault(c => c.Channel == "email")?.Address;
        var sms = values?.Contacts?.FirstOrDefault(c => c.Channel == "sms")?.Address;
        return Render(errors is { Count: > 0 } ? "Error: Enrol a patient" : "Enrol a patient", $"""
            {summary}
            <h1>Enrol a patient</h1>
            <form method="post" action="/staff/patients" novalidate>
              <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
              <div class="field"><label for="displayName">Display name (optional, kept only in intake)</label>
                <input type="text" id="displayName" name="displayName" maxlength="100" autocomplete="off" value="{E(values?.DisplayName)}"></div>
              <div class="field"><label for="language">Language</label>
                <select id="language" name="language">{Option("en", "English", values?.Language ?? "en")}{Option("hi", "हिन्दी (Hindi)", values?.Language)}</select></div>
              <div class="field"><label for="timeZone">Time zone (IANA id, e.g. Asia/Kolkata)</label>
                <input type="text" id="timeZone" name="timeZone" autocapitalize="none" spellcheck="false" value="{E(values?.TimeZone ?? "UTC")}"></div>
              <div class="field"><label for="indexDate">Index date (e.g. the day of treatment)</label>
                <input type="date" id="indexDate" name="indexDate" value="{E(values?.IndexDate)}"></div>
              <div class="field"><label for="protocol">Follow-up protocol</label>
                <select id="protocol" name="protocol">{protocolOptions}</select></div>
              <div class="field"><label for="email">E-mail for invitations (optional)</label>
                <input type="email" id="email" name="email" autocomplete="off" value="{E(email)}"></div>
              <div class="field"><label for="sms">Mobile number for invitations (optional, international form)</label>
                <input type="tel" id="sms" name="sms" autocomplete="off" value="{E(sms)}"></div>
              <button type="submit">Enrol</button>
            </form>
            """, errors is { Count: > 0 } ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static async Task<IResult> PatientPage(
        Guid patientId, string? resent, HttpContext context, IAntiforgery antiforgery, ScheduleStore store, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var patient = await store.GetPatientAsync(patientId, ct);
        if (patient is null)
        {
            return Render("Patient not found", $"<h1>Patient not found</h1><p>No patient has the id {E(patientId.ToString())}. <a href=\"/staff/patients/new\">Enrol a patient</a>.</p>",
                StatusCodes.Status404NotFound);
        }

        await audit.RecordAsync(context, "invitations_view", patientId.ToString());
        var tokens = antiforgery.GetAndStoreTokens(context);
        var now = time.GetUtcNow();
        var rows = new StringBuilder();
        foreach (var view in await store.ListInvitationsAsync(patientId, ct))
        {
            var summary = InvitationsApi.Summarise(view, patientId, now);
            var action = summary.State == "open"
                ? $"""
                  <form method="post" action="/staff/patients/{patientId}/invitations/{view.Id}/resend">
                    <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
                    <button type="submit" class="button button--secondary">Resend link</button>
                  </form>
                  """
                : "";
            rows.Append("<tr><td>").Append(E(summary.Instrument)).Append("</td><td>").Append(E(summary.Step ?? "by hand"))
                .Append("</td><td>").Append(E(Time(summary.DueAt ?? summary.IssuedAt))).Append("</td><td>").Append(E(Time(summary.ExpiresAt)))
                .Append("</td><td>").Append(E(summary.State)).Append("</td><td>").Append(summary.RemindersSent.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(summary.MessagesSent.ToString(CultureInfo.InvariantCulture))
                .Append(summary.MessagesPending > 0 ? $" (+{summary.MessagesPending.ToString(CultureInfo.InvariantCulture)} waiting)" : "")
                .Append("</td><td>").Append(action).Append("</td></tr>");
        }

        var contacts = patient.Contacts.Count == 0 ? "none" : string.Join(", ", patient.Contacts.Select(c => $"{c.Channel}: {c.Address}"));
        var notice = resent is null ? "" : "<p class=\"notice\" role=\"status\">A new link was sent; the old one no longer works.</p>";
        return Render("Patient", $"""
            {notice}
            <h1>Patient {E(patient.Id.ToString())}</h1>
            <dl>
              <dt>Display name</dt><dd>{E(patient.DisplayName ?? "(none)")}</dd>
              <dt>Language</dt><dd>{E(patient.Language)}</dd>
              <dt>Time zone</dt><dd>{E(patient.TimeZone)}</dd>
              <dt>Index date</dt><dd>{E(patient.IndexDate ?? "(none)")}</dd>
              <dt>Protocol</dt><dd>{E(patient.Protocol ?? "(none)")}</dd>
              <dt>Contacts</dt><dd>{E(contacts)}</dd>
            </dl>
            <h2>Invitations</h2>
            <table>
              <thead><tr><th scope="col">Instrument</th><th scope="col">Step</th><th scope="col">Due (UTC)</th><th scope="col">Closes (UTC)</th><th scope="col">State</th><th scope="col">Reminders</th><th scope="col">Messages sent</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
              <tbody>{rows}</tbody>
            </table>
            <p><a href="/staff/patients/new">Enrol another patient</a></p>
            """);
    }

    private static async Task<IResult> Resend(
        Guid patientId, Guid invitationId, HttpContext context, IAntiforgery antiforgery, InvitationResender resender, AuditLog audit, CancellationToken ct)
    {
        // No [FromForm] parameter here, so the antiforgery token is checked explicitly.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Render("Error: Resend link", "<h1>The form has expired</h1><p>Go back, reload the patient's page and try again.</p>", StatusCodes.Status400BadRequest);
        }

        var result = await resender.ResendAsync(patientId, invitationId, ct);
        await audit.RecordAsync(context, "invitation_resend", $"{patientId} {invitationId}", result.Outcome == ResendOutcome.Resent ? "ok" : "closed");
        return result.Outcome switch
        {
            ResendOutcome.Resent => Results.Redirect($"/staff/patients/{patientId}?resent=1"),
            ResendOutcome.NotFound => Render("Invitation not found", "<h1>Invitation not found</h1><p>This patient has no such invitation.</p>", StatusCodes.Status404NotFound),
            _ => Render("Invitation closed",
                $"<h1>Invitation closed</h1><p>This invitation was answered, replaced or has expired, so its link cannot be sent again. <a href=\"/staff/patients/{patientId}\">Back to the patient</a>.</p>",
                StatusCodes.Status409Conflict),
        };
    }

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
