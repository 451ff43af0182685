namespace Surveys.Contracts;

/// <summary>
/// A message a development outbox holds instead of sending it (intake's <c>GET /api/dev/outbox</c>, the notifier's
/// <c>GET /api/dev/alert-outbox</c>; Development only). It can hold a live link and a contact: whoever reads it is
/// audited.
/// </summary>
/// <param name="Channel">email, sms, webhook.</param>
/// <param name="To">The patient's address or number, or the staff contact's name.</param>
public sealed record DevelopmentOutboxMessage(DateTimeOffset CreatedAt, string Channel, string To, string Subject, string Text);
