using Microsoft.Extensions.Options;
using Surveys.Notifier.Alerts;
using Surveys.Delivery;

namespace Surveys.Notifier.Delivery;

/// <summary>One escalation level or digest recipient: a name (its identity in the queue) and where to reach it.</summary>
public sealed class AlertContact
{
    public string Name { get; set; } = "";

    /// <summary>An e-mail address, sent over <c>Alerting:Smtp</c>.</summary>
    public string? Email { get; set; }

    /// <summary>A webhook (a pager, a chat bridge), signed with <c>Alerting:WebhookSecret</c>.</summary>
    public Uri? Webhook { get; set; }

    /// <summary>The channels this contact is reached on; a contact with neither gets the development outbox.</summary>
    public IEnumerable<string> Channels()
    {
        if (!string.IsNullOrWhiteSpace(Email))
        {
            yield return AlertChannels.Email;
        }

        if (Webhook is not null)
        {
            yield return AlertChannels.Webhook;
        }

        if (string.IsNullOrWhiteSpace(Email) && Webhook is null)
        {
            yield return AlertChannels.Outbox;
        }
    }
}

/// <summary>
/// Configuration section <c>Alerting</c>: who is told about alerts, how soon it escalates, the digest; and the shared
/// delivery keys (<c>Smtp</c>, <c>Webhook</c> retry and breaker settings, <c>MaxAttempts</c>, <c>MaxRetryDelay</c>,
/// <c>PollInterval</c>: the one <see cref="DeliveryOptions"/> shape, as in intake's <c>Delivery</c>).
/// </summary>
public sealed class AlertingOptions : DeliveryOptions
{
    public const string Section = "Alerting";

    public AlertingOptions()
    {
        MaxAttempts = 30; // 30 s, 1, 2, 4 ... minutes apart, at most 15 minutes: an alert keeps trying for about 6 hours
        MaxRetryDelay = TimeSpan.FromMinutes(15);
    }

    /// <summary>
    /// Escalation levels in order: level 1 is told at once about urgent and high alerts, level 2 when level 1 did not
    /// acknowledge in time, and so on. Empty: two development contacts whose messages go to /dev/alert-outbox.
    /// </summary>
    public List<AlertContact> Contacts { get; set; } = [];

    /// <summary>Who gets the daily digest; empty: the first escalation level.</summary>
    public List<AlertContact> DigestContacts { get; set; } = [];

    public TimeSpan UrgentAcknowledgeWithin { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan HighAcknowledgeWithin { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Local time of the daily digest in <see cref="TimeZone"/>.</summary>
    public TimeOnly DigestAt { get; set; } = new(8, 0);

    /// <summary>IANA time zone of <see cref="DigestAt"/>, e.g. <c>Asia/Kolkata</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// Signs webhook bodies (16+ characters); from the environment (<c>Alerting__WebhookSecret</c>), never committed. The
    /// same setting as <c>Alerting:Webhook:Secret</c> in the shared shape (<see cref="DeliveryOptions.Webhook"/>).
    /// </summary>
    public string? WebhookSecret
    {
        get => Webhook.Secret;
        set => Webhook.Secret = value;
    }

    public static readonly IReadOnlyList<AlertContact> DevelopmentContacts =
    [
        new() { Name = "first contact (development outbox)" },
        new() { Name = "second contact (development outbox)" },
    ];

    public IReadOnlyList<AlertContact> EscalationContacts => Contacts.Count > 0 ? Contacts : DevelopmentContacts;

    public IReadOnlyList<AlertContact> DigestRecipients => DigestContacts.Count > 0 ? DigestContacts : [EscalationContacts[0]];

    /// <summary>How long a severity waits for an acknowledgement before the next level is told; null: no escalation (routine).</summary>
    public TimeSpan? AcknowledgeWithin(string severity) => severity switch
    {
        AlertRules.Urgent => UrgentAcknowledgeWithin,
        AlertRules.High => HighAcknowledgeWithin,
        _ => null,
    };

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>Problems with the configuration, for ValidateOnStart; empty when it is fine.</summary>
    /// <param name="development">
    /// In Development, contacts without a channel (and no contacts at all) are allowed: their messages go to the development outbox.
    /// Anywhere else every contact must be reachable for real, or urgent alerts would reach nobody.
    /// </param>
    public IEnumerable<string> Problems(bool development = false)
    {
        if (!development)
        {
            if (Contacts.Count == 0)
            {
                yield return "Alerting:Contacts is empty, so urgent alerts would reach nobody (only the development outbox). Outside Development set at least one " +
                    "escalation contact with a real channel: Alerting__Contacts__0__Name and Alerting__Contacts__0__Webhook (with Alerting__WebhookSecret) or " +
                    "Alerting__Contacts__0__Email (with Alerting__Smtp__Host). See docs/operations.md, \"Before the first real patient\".";
            }

            foreach (var (list, items) in new[] { ("Contacts", Contacts), ("DigestContacts", DigestContacts) })
            {
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i].Channels().Contains(AlertChannels.Outbox))
                    {
                        yield return $"Alerting:{list}:{i} ({items[i].Name}) has neither an Email nor a Webhook, so its messages would reach nobody. " +
                            $"Set Alerting__{list}__{i}__Email or Alerting__{list}__{i}__Webhook.";
                    }
                }
            }
        }

        foreach (var list in new[] { (Name: "Contacts", Items: Contacts), (Name: "DigestContacts", Items: DigestContacts) })
        {
            if (list.Items.Any(c => string.IsNullOrWhiteSpace(c.Name)))
            {
                yield return $"Alerting:{list.Name}: every contact needs a Name.";
            }

            if (list.Items.GroupBy(c => c.Name.Trim(), StringComparer.Ordinal).Any(g => g.Count() > 1))
            {
                yield return $"Alerting:{list.Name}: names must be unique.";
            }
        }

        var all = Contacts.Concat(DigestContacts).ToList();
        if (all.Any(c => !string.IsNullOrWhiteSpace(c.Email)) && !Smtp.IsConfigured)
        {
            yield return "Alerting:Smtp:Host is required when a contact has an Email.";
        }

        if (all.Any(c => c.Webhook is not null) && (WebhookSecret is null || WebhookSecret.Length < 16))
        {
            yield return "Alerting:WebhookSecret (16+ characters) is required when a contact has a Webhook.";
        }

        if (all.Any(c => c.Webhook is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))))
        {
            yield return "Alerting contacts' Webhook must be an absolute http(s) address.";
        }

        if (UrgentAcknowledgeWithin <= TimeSpan.Zero || HighAcknowledgeWithin <= TimeSpan.Zero)
        {
            yield return "Alerting:UrgentAcknowledgeWithin and Alerting:HighAcknowledgeWithin must be positive.";
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return "Alerting:TimeZone is not a known time zone.";
        }
    }
}
/// <summary>Validates <see cref="AlertingOptions"/> at start-up, naming each setting that is wrong; the process exits when one is.</summary>
public sealed class AlertingOptionsCheck(IHostEnvironment environment) : IValidateOptions<AlertingOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems(DevelopmentOutbox.Allowed(environment)).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

public static class AlertChannels
{
    public const string Email = "email";
    public const string Webhook = "webhook";
    public const string Outbox = "outbox";
}

public static class AlertDeliveryKinds
{
    public const string Alert = "alert";
    public const string Escalation = "escalation";
    public const string Digest = "digest";
}
