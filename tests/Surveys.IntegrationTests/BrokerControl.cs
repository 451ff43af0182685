using System.Diagnostics;

namespace Surveys.IntegrationTests;

/// <summary>
/// Stops and starts the test's RabbitMQ node. Available when infra/test.sh (or infra/chaos.sh) started the node
/// itself and exported SURVEYS_TEST_RABBITMQ_NODE and SURVEYS_TEST_RABBITMQ_HOME (the node's folder).
/// </summary>
public static class BrokerControl
{
    private static readonly string? Node = Environment.GetEnvironmentVariable("SURVEYS_TEST_RABBITMQ_NODE");
    private static readonly string? Home = Environment.GetEnvironmentVariable("SURVEYS_TEST_RABBITMQ_HOME");

    public static bool Available => !string.IsNullOrEmpty(Node) && !string.IsNullOrEmpty(Home);

    /// <summary>Stops the RabbitMQ application: the Erlang node stays up, the broker closes its port and every connection.</summary>
    public static Task StopAsync() => RunAsync("/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", Node!, "stop_app");

    public static async Task StartAsync()
    {
        await RunAsync("/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", Node!, "start_app");
        await RunAsync("/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", Node!, "await_startup");
    }

    /// <summary>Stops the whole node (<c>rabbitmqctl stop</c>): the Erlang VM ends; channels and confirms die mid-flight.</summary>
    public static Task StopNodeAsync() => NodeAsync("stop");

    /// <summary>Kills the node's process with SIGKILL, as a crash would.</summary>
    public static Task KillNodeAsync() => NodeAsync("kill");

    /// <summary>Starts a stopped or killed node again, as it was, and waits until the broker and its management API answer.</summary>
    public static Task StartNodeAsync() => NodeAsync("start");

    private static Task NodeAsync(string action) =>
        RunAsync("bash", Path.Combine(ServiceProcess.RepositoryRoot(), "infra", "lib", "rabbitmq-node.sh"), action, Home!);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["HOME"] = Home;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }
}
