using Microsoft.Extensions.Options;
using Surveys.ServiceDefaults.Delivery;

namespace Surveys.Intake.Delivery;

/// <summary>E-mail over SMTP through the shared <see cref="SmtpTransport"/>; host, port, sender and credentials come from <c>Delivery:Smtp</c>.</summary>
public sealed class SmtpSender(IOptions<DeliveryOptions> options) : IInvitationSender
{
    public const string SenderName = "smtp";

    public string Name => SenderName;

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var smtp = options.Value.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            throw new InvalidOperationException("Delivery:Smtp:Host is not set.");
        }

        return SmtpTransport.SendAsync(smtp, new PlainMail(message.To, message.Subject, message.Text, message.DeliveryId), cancellationToken);
    }
}
