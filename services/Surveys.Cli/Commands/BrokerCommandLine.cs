using System.CommandLine;
using Surveys.Operations;

namespace Surveys.Cli.Commands;

/// <summary>
/// Where the broker is, for the operators' commands (<see cref="BrokerSettings"/>): options win over the environment
/// (SURVEYS_RABBITMQ_*), which wins over the defaults.
/// </summary>
public static class BrokerCommandLine
{
    public static readonly Option<string?> ManagementOption = new("--rabbitmq-url")
    {
        Description = "RabbitMQ management API (default: SURVEYS_RABBITMQ_URL, else http://127.0.0.1:15672).",
    };

    public static readonly Option<string?> AmqpOption = new("--amqp-url")
    {
        Description = "RabbitMQ AMQP address, for replay (default: SURVEYS_RABBITMQ_AMQP_URL, else amqp://<management host>:5672).",
    };

    public static readonly Option<string?> VirtualHostOption = new("--vhost")
    {
        Description = "Virtual host (default: SURVEYS_RABBITMQ_VHOST, else /).",
    };

    public static IEnumerable<Option> Options => [ManagementOption, AmqpOption, VirtualHostOption];

    /// <summary>The settings, or null (with a message) when an address is not a valid URL.</summary>
    public static BrokerSettings? From(ParseResult parse, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(stderr);
        var management = parse.GetValue(ManagementOption) ?? Env("SURVEYS_RABBITMQ_URL") ?? "http://127.0.0.1:15672";
        if (!Uri.TryCreate(management, UriKind.Absolute, out var managementUrl))
        {
            stderr.WriteLine($"The management address must be a URL such as http://127.0.0.1:15672; it is '{management}'.");
            return null;
        }

        var amqp = parse.GetValue(AmqpOption) ?? Env("SURVEYS_RABBITMQ_AMQP_URL") ?? $"amqp://{managementUrl.Host}:5672";
        if (!Uri.TryCreate(amqp, UriKind.Absolute, out var amqpUrl))
        {
            stderr.WriteLine($"The AMQP address must be a URL such as amqp://127.0.0.1:5672; it is '{amqp}'.");
            return null;
        }

        return new BrokerSettings(
            managementUrl,
            amqpUrl,
            parse.GetValue(VirtualHostOption) ?? Env("SURVEYS_RABBITMQ_VHOST") ?? "/",
            Env("SURVEYS_RABBITMQ_USER") ?? "guest",
            Env("SURVEYS_RABBITMQ_PASSWORD") ?? "guest");
    }

    public static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
