using Microsoft.Extensions.Hosting;

namespace Surveys.Delivery;

/// <summary>
/// The development outbox: in Development, messages are kept (and shown on the staff portal's <c>/dev/outbox</c> page)
/// instead of leaving the machine. Clinical safety: outside Development it is refused, in each service's start-up
/// check, so that an urgent alert or a patient's link never lands where nobody reads it while the platform reports it
/// sent; the JSON APIs that read it exist only in Development.
/// </summary>
public static class DevelopmentOutbox
{
    public const string SenderName = "outbox";

    /// <summary>Whether messages may go to the development outbox in this environment.</summary>
    public static bool Allowed(IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.IsDevelopment();
    }

    public static bool IsOutbox(string? sender) => string.Equals(sender?.Trim(), SenderName, StringComparison.OrdinalIgnoreCase);
}
