namespace Surveys.Web;

/// <summary>
/// A problem with what someone entered and the id of the field (or button) it is about; <see cref="Href"/> instead
/// when the problem is on another page (a survey's unanswered question).
/// </summary>
public sealed record FieldError(string FieldId, string Message)
{
    public string? Href { get; init; }

    /// <summary>Where the summary's link leads.</summary>
    public string Target => Href ?? "#" + FieldId;
}
