using System.CommandLine;
using Surveys.Operations;

namespace Surveys.Cli.Commands;

/// <summary>
/// Where the broker is, for the operators' commands (<see cref="BrokerSettings"/>): options win over the environment,
/// which holds the same <c>RabbitMq__*</c> keys the services read (RabbitMq__Host, __Port, __VirtualHost, __Username,
/// __Password, __ManagementUrl), which win over the services' defaults.
/// </summary>
public static class BrokerCommandLine
{
    public static readonly Option<string?> ManagementOption = new("--rabbitmq-url")
    {
        Description = "RabbitMQ management API (default: RabbitMq__ManagementUrl, else http://127.0.0.1:15672).",
    };

    public static readonly Option<string?> AmqpOption = new("--amqp-url")
    {
        Description = "RabbitMQ AMQP address, for replay (default: amqp://RabbitMq__Host:RabbitMq__Port, else amqp://localhost:5672).",
    };

    public static readonly Option<string?> VirtualHostOption = new("--vhost")
    {
        Description = "Virtual host (default: RabbitMq__VirtualHost, else /).",
    };

    public static IEnumerable<Option> Options => [ManagementOption, AmqpOption, VirtualHostOption];

    /// <summary>The settings, or null (with a message) when an address is not a valid URL.</summary>
    public static BrokerSettings? From(ParseResult parse, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(stderr);
        BrokerSettings settings;
        try
        {
            settings = BrokerSettings.FromSettings(key => Env($"RabbitMq__{key}"));
        }
        catch (FormatException e)
        {
            stderr.WriteLine(e.Message);
            return null;
        }

        if (parse.GetValue(ManagementOption) is { } management)
        {
            if (!Uri.TryCreate(management, UriKind.Absolute, out var managementUrl))
            {
                stderr.WriteLine($"The management address must be a URL such as http://127.0.0.1:15672; it is '{management}'.");
                return null;
            }

            settings = settings with { ManagementUrl = managementUrl };
        }

        if (parse.GetValue(AmqpOption) is { } amqp)
        {
            if (!Uri.TryCreate(amqp, UriKind.Absolute, out var amqpUrl))
            {
                stderr.WriteLine($"The AMQP address must be a URL such as amqp://127.0.0.1:5672; it is '{amqp}'.");
                return null;
            }

            settings = settings with { AmqpUrl = amqpUrl };
        }

        return parse.GetValue(VirtualHostOption) is { } virtualHost ? settings with { VirtualHost = virtualHost } : settings;
    }

    public static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
