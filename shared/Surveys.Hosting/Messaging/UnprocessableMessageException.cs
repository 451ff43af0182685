namespace Surveys.Hosting.Messaging;

/// <summary>
/// A message that can never succeed, however often it is retried (an unknown instrument, say). It
/// goes straight to the error queue with this reason, without in-memory retries.
/// </summary>
public sealed class UnprocessableMessageException : Exception
{
    public UnprocessableMessageException()
    {
    }

    public UnprocessableMessageException(string message)
        : base(message)
    {
    }

    public UnprocessableMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
