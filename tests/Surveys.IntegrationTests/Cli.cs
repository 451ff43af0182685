using System.Diagnostics;

namespace Surveys.IntegrationTests;

/// <summary>Runs the built operators' console (<c>surveys</c>) as a real process.</summary>
public static class Cli
{
    public static string Dll => Path.Combine(ServiceProcess.RepositoryRoot(), "services", "Surveys.Cli", "bin", ServiceProcess.Configuration, "net10.0", "surveys.dll");

    /// <param name="environment">Variables for the process (a null value removes one).</param>
    /// <param name="stdin">A line for standard input (a password), or null.</param>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string?> environment, string? stdin, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo("dotnet", [Dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
