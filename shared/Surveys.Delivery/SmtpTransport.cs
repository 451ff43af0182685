using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Surveys.Delivery;

/// <summary>Where and how plain-text mail leaves a service (MailKit SMTP).</summary>
public sealed class SmtpTransportOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "StartTls";

    public string From { get; set; } = "surveys@localhost";

    public string? Username { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>One plain-text mail to one recipient.</summary>
/// <param name="MessageId">Unique per message (e.g. a queue row id), written into <c>Message-Id</c> so a repeat can be recognised.</param>
public sealed record PlainMail(string To, string Subject, string Text, Guid MessageId);

/// <summary>
/// The one way services send e-mail: one connection per message, MailKit, plain text. Throws on any failure;
/// the caller's durable queue retries later.
/// </summary>
public static class SmtpTransport
{
    public static async Task SendAsync(SmtpTransportOptions options, PlainMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mail);
        if (options.Host is not { Length: > 0 } host || string.IsNullOrWhiteSpace(host))
        {
            throw new InvalidOperationException("The SMTP host is not set.");
        }

        using var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.From));
        mime.To.Add(MailboxAddress.Parse(mail.To));
        mime.Subject = mail.Subject;
        mime.MessageId = $"{mail.MessageId:N}@surveys";
        mime.Body = new TextPart("plain") { Text = mail.Text };

        // MailKit's Timeout limits each network operation; the whole exchange gets the same limit, so a server that
        // answers slowly step by step cannot hold the delivery loop either.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.Timeout);
        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        var security = Enum.TryParse<SecureSocketOptions>(options.Security, ignoreCase: true, out var parsed) ? parsed : SecureSocketOptions.StartTls;
        try
        {
            await client.ConnectAsync(host, options.Port, security, limit.Token);
            if (!string.IsNullOrEmpty(options.Username))
            {
                await client.AuthenticateAsync(options.Username, options.Password ?? string.Empty, limit.Token);
            }

            await client.SendAsync(mime, limit.Token);
            await client.DisconnectAsync(quit: true, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("The SMTP server did not finish within its time limit.");
        }
    }
}
