using System.Globalization;
using System.Text;

namespace Surveys.Intake.Research;

/// <summary>
/// Writes RFC 4180 CSV row by row: fields separated by commas, rows ended by CRLF, a field quoted when it holds
/// a comma, a quote, CR or LF (quotes doubled inside). Text fields that a spreadsheet would read as a formula
/// (starting with =, +, -, @, tab or CR) are prefixed with an apostrophe and quoted (OWASP "CSV injection").
/// Numbers are written by <see cref="Number(decimal?)"/> in invariant culture and are never prefixed, so a
/// negative number stays a number. Each row is built in memory and written with one asynchronous call, so the
/// writer can sit directly on a response body (no synchronous I/O).
/// </summary>
public sealed class CsvWriter(TextWriter output)
{
    private readonly StringBuilder _row = new(256);
    private bool _startOfRow = true;

    public long Rows { get; private set; }

    public CsvWriter Text(string? value)
    {
        Separate();
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }

        var guard = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        if (!guard && value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _row.Append(value);
            return this;
        }

        _row.Append('"');
        if (guard)
        {
            _row.Append('\'');
        }

        _row.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        return this;
    }

    public CsvWriter Number(decimal? value)
    {
        Separate();
        if (value is { } v)
        {
            _row.Append(v.ToString(CultureInfo.InvariantCulture));
        }

        return this;
    }

    public CsvWriter Number(long? value)
    {
        Separate();
        if (value is { } v)
        {
            _row.Append(v.ToString(CultureInfo.InvariantCulture));
        }

        return this;
    }

    /// <summary>Ends the row and hands it to the underlying writer.</summary>
    public async Task EndRowAsync(CancellationToken ct)
    {
        _row.Append("\r\n");
        await output.WriteAsync(_row, ct);
        _row.Clear();
        _startOfRow = true;
        Rows++;
    }

    private void Separate()
    {
        if (!_startOfRow)
        {
            _row.Append(',');
        }

        _startOfRow = false;
    }
}
