using Surveys.Instruments;
using Surveys.Portal.Apis;
using Surveys.Portal.Components;
using Surveys.Web;

namespace Surveys.Portal.Enrolment;

public sealed record Protocol(string Id, string Title, string SendAt, IReadOnlyList<string> Steps);

public sealed record Contact(string Channel, string Address);

public sealed record Patient(Guid Id, string? DisplayName, string Language, string TimeZone, string? IndexDate, string? Protocol, DateTimeOffset CreatedAt, IReadOnlyList<Contact> Contacts);

public sealed record PatientCreated(Guid Id);

public sealed record Invitation(
    Guid Id, string Instrument, string DefinitionVersion, string State, string? Step, DateTimeOffset IssuedAt, DateTimeOffset? DueAt,
    DateTimeOffset ExpiresAt, int RemindersSent, DateTimeOffset? AnsweredAt, DateTimeOffset? ExpiredAt, DateTimeOffset? ReplacedAt, Guid? Replaces,
    int MessagesSent, int MessagesPending);

public sealed record InvitationResent(Guid Id, Guid Replaces, DateTimeOffset ExpiresAt, int Messages);

/// <summary>The contact fields of a form: an e-mail address and a mobile number, either may be empty.</summary>
public sealed class ContactsForm
{
    public string? Email { get; set; }

    public string? Mobile { get; set; }
}

/// <summary>The protocol fields of a form.</summary>
public sealed class ProtocolForm
{
    public string? Protocol { get; set; }

    public string? IndexDate { get; set; }
}

public sealed class EnrolForm
{
    public string? DisplayName { get; set; }

    public string? Language { get; set; } = "en";

    public string? TimeZone { get; set; }

    public ProtocolForm Protocol { get; set; } = new();

    public ContactsForm Contacts { get; set; } = new();
}

/// <summary>What the enrolment pages share: the contacts as the API takes them, its field errors as the form's, plain words.</summary>
public static class Enrolling
{
    public static readonly IReadOnlyList<(string Code, string Name)> Languages = [("en", "English"), ("hi", "Hindi")];

    /// <summary>The contacts to send, each with the id of the field it came from (the API names them by position).</summary>
    public static (List<object> Contacts, List<string> FieldIds) Contacts(ContactsForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var contacts = new List<object>();
        var ids = new List<string>();
        if (!string.IsNullOrWhiteSpace(form.Email))
        {
            contacts.Add(new { channel = "email", address = form.Email.Trim() });
            ids.Add("email");
        }

        if (!string.IsNullOrWhiteSpace(form.Mobile))
        {
            contacts.Add(new { channel = "sms", address = form.Mobile.Trim() });
            ids.Add("mobile");
        }

        return (contacts, ids);
    }

    /// <summary>The API's field errors on the form's fields: <c>contacts[1].address</c> becomes the field that contact came from.</summary>
    public static List<FieldError> Errors(ApiProblem problem, IReadOnlyList<string> contactFieldIds)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(contactFieldIds);
        var errors = new List<FieldError>();
        foreach (var (key, messages) in problem.Errors)
        {
            var field = key.StartsWith("contacts[", StringComparison.Ordinal) && int.TryParse(key.AsSpan(9, key.IndexOf(']', StringComparison.Ordinal) - 9), out var i) && i < contactFieldIds.Count
                ? contactFieldIds[i]
                : key;
            errors.Add(new(field, messages.FirstOrDefault() ?? "Check this field."));
        }

        return errors;
    }

    public static string InstrumentTitle(string id) => InstrumentCatalog.LoadEmbedded().Find(id)?.Title.En ?? id;

    public static string StateName(string state) => state switch
    {
        "open" => "Waiting for an answer",
        "answered" => "Answered",
        "expired" => "Expired without an answer",
        "replaced" => "Replaced by a newer link",
        _ => state,
    };

    public static string Name(Patient patient) => patient?.DisplayName ?? "Patient without a name";
}
