using System.CommandLine;

namespace Surveys.Cli.Commands;

/// <summary>
/// <c>surveys export --instrument phq9 --format csv [--out file] [--dictionary file]</c>: the research export
/// (admin; intake audits it), streamed from intake to a file or standard output as it arrives.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var instrument = new Option<string>("--instrument") { Description = "The instrument to export, e.g. phq9.", Required = true };
        var format = new Option<string>("--format") { Description = "The file format (csv).", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv");
        var output = new Option<FileInfo?>("--out") { Description = "Write the export to this file (default: standard output)." };
        var dictionary = new Option<FileInfo?>("--dictionary") { Description = "Also write the data dictionary (each column, its type, meaning, allowed values) to this file." };
        var command = new Command("export", "Research export of one instrument: one row per scored submission, pseudonymous (admin; audited).")
        {
            instrument, format, output, dictionary,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var client = StaffApi.SignedInClient(Console.Error);
            if (client is null)
            {
                return 1;
            }

            var id = Uri.EscapeDataString(parse.GetValue(instrument)!);
            var code = await DownloadAsync(client, $"/api/research/export?instrument={id}&format={Uri.EscapeDataString(parse.GetValue(format)!)}", parse.GetValue(output), ct);
            if (code == 0 && parse.GetValue(dictionary) is { } dictionaryFile)
            {
                code = await DownloadAsync(client, $"/api/research/dictionary?instrument={id}", dictionaryFile, ct);
            }

            return code;
        });
        return command;
    }

    /// <summary>
    /// Streams a GET response to <paramref name="file"/> (or standard output) without holding it in memory; a
    /// failed request prints its problem details and leaves no file behind. Returns the exit code.
    /// </summary>
    public static async Task<int> DownloadAsync(HttpClient client, string path, FileInfo? file, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"Cannot reach intake at {client.BaseAddress}: {ex.Message}");
            return 1;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return await StaffApi.ReportAsync(response, Console.Error);
            }

            await using var body = await response.Content.ReadAsStreamAsync(ct);
            if (file is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                await body.CopyToAsync(stdout, ct);
                return 0;
            }

            var partial = file.FullName + ".partial";
            try
            {
                await using var target = File.Create(partial);
                await body.CopyToAsync(target, ct);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }

            File.Move(partial, file.FullName, overwrite: true);
            await Console.Error.WriteLineAsync($"Wrote {file.FullName} ({new FileInfo(file.FullName).Length:N0} bytes).");
            return 0;
        }
    }
}
