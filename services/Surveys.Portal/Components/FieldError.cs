namespace Surveys.Portal.Components;

/// <summary>A problem with what someone entered, and the id of the field (or button) it is about.</summary>
public sealed record FieldError(string FieldId, string Message);
