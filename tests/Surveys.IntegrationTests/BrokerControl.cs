using System.Diagnostics;

namespace Surveys.IntegrationTests;

/// <summary>
/// Stops and starts the RabbitMQ application on the test node (the Erlang node stays up, the broker
/// closes its port and every connection). Available when infra/test.sh started the node itself and
/// exported SURVEYS_TEST_RABBITMQ_NODE and SURVEYS_TEST_RABBITMQ_HOME.
/// </summary>
public static class BrokerControl
{
    private static readonly string? Node = Environment.GetEnvironmentVariable("SURVEYS_TEST_RABBITMQ_NODE");
    private static readonly string? Home = Environment.GetEnvironmentVariable("SURVEYS_TEST_RABBITMQ_HOME");

    public static bool Available => !string.IsNullOrEmpty(Node) && !string.IsNullOrEmpty(Home);

    public static Task StopAsync() => RabbitMqCtlAsync("stop_app");

    public static async Task StartAsync()
    {
        await RabbitMqCtlAsync("start_app");
        await RabbitMqCtlAsync("await_startup");
    }

    private static async Task RabbitMqCtlAsync(string verb)
    {
        var start = new ProcessStartInfo("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-n", Node!, verb])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["HOME"] = Home;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {verb} failed ({process.ExitCode}): {output}");
        }
    }
}
