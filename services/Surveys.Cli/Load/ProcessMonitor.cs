using System.Globalization;

namespace Surveys.Cli.Load;

/// <summary>One process's resources over the run: its peak working set (resident memory) and CPU time used.</summary>
public sealed record ProcessUsage(string Name, int Pid, double PeakWorkingSetMb, double CpuSeconds);

/// <summary>
/// Finds the services' processes on this machine (and the broker's, and this load generator's own) through /proc and
/// reads their memory and CPU time: peak resident set (VmHWM, the kernel's own high-water mark) and user + system time used between
/// <see cref="Start"/> and <see cref="Stop"/>. Linux only; elsewhere it reports nothing.
/// </summary>
public sealed class ProcessMonitor
{
    private static readonly (string Name, string Marker)[] Known =
    [
        ("intake", "Surveys.Intake.dll"),
        ("scoring", "Surveys.Scoring.dll"),
        ("notifier", "Surveys.Notifier.dll"),
        ("rabbitmq", "beam.smp"),
    ];

    /// <summary>The name this process (the load generator) is reported under.</summary>
    public const string LoadGenerator = "load generator";

    private readonly Dictionary<int, (string Name, double CpuAtStart)> _processes = [];

    public void Start()
    {
        _processes.Clear();
        if (!Directory.Exists("/proc"))
        {
            return;
        }

        if (CpuSeconds(Environment.ProcessId) is { } own)
        {
            _processes[Environment.ProcessId] = (LoadGenerator, own);
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var (name, marker) in Known)
            {
                if (commandLine.Contains(marker, StringComparison.Ordinal) && CpuSeconds(pid) is { } cpu)
                {
                    _processes[pid] = (name, cpu);
                }
            }
        }
    }

    public IReadOnlyList<ProcessUsage> Stop() =>
        _processes
            .Select(p => (p.Key, p.Value.Name, Cpu: CpuSeconds(p.Key), Peak: PeakMegabytes(p.Key), p.Value.CpuAtStart))
            .Where(p => p.Cpu is not null && p.Peak is not null)
            .Select(p => new ProcessUsage(p.Name, p.Key, p.Peak!.Value, p.Cpu!.Value - p.CpuAtStart))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>User plus system CPU seconds (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s).</summary>
    private static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static double? PeakMegabytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
