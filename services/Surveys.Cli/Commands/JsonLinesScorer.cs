using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Surveys.Instruments;

namespace Surveys.Cli.Commands;

/// <summary>
/// The engine of <c>surveys score</c>: UTF-8 JSON Lines in, one JSON line out per input line, in order.
/// Reads with <see cref="Utf8JsonReader"/> and writes with <see cref="Utf8JsonWriter"/> into reused buffers:
/// no reflection, no per-line serializer.
/// </summary>
/// <remarks>
/// Input lines end with "\n" ("\r\n" is fine); a final line without a newline is scored too. A blank line (empty or
/// only white space) yields an <c>invalid</c> line with error "blank line", so output line N always answers input line N.
/// A line that is not a JSON object, an unknown instrument or version, an unknown item, or an answer that is not a
/// number or null, out of range or not a whole number (diary item 13 allows one decimal) yields <c>invalid</c>.
/// Lines longer than <see cref="MaxLineBytes"/> are answered <c>invalid</c> without being parsed.
/// </remarks>
public sealed class JsonLinesScorer : IDisposable
{
    public const int MaxLineBytes = 1 << 20;
    private const int FlushThreshold = 1 << 16;

    private static readonly JsonEncodedText PInstrument = JsonEncodedText.Encode("instrument");
    private static readonly JsonEncodedText PVersion = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText PStatus = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText PTotal = JsonEncodedText.Encode("total");
    private static readonly JsonEncodedText PRaw = JsonEncodedText.Encode("rawScore");
    private static readonly JsonEncodedText PBand = JsonEncodedText.Encode("band");
    private static readonly JsonEncodedText PProrated = JsonEncodedText.Encode("prorated");
    private static readonly JsonEncodedText PFlags = JsonEncodedText.Encode("flags");
    private static readonly JsonEncodedText PSubscores = JsonEncodedText.Encode("subscores");
    private static readonly JsonEncodedText PProblemAreas = JsonEncodedText.Encode("problemAreas");
    private static readonly JsonEncodedText PItemGrades = JsonEncodedText.Encode("itemGrades");
    private static readonly JsonEncodedText PMissing = JsonEncodedText.Encode("missingItems");
    private static readonly JsonEncodedText PError = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText PErrors = JsonEncodedText.Encode("errors");
    private static readonly JsonEncodedText PItem = JsonEncodedText.Encode("item");
    private static readonly JsonEncodedText PMessage = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText SScored = JsonEncodedText.Encode("scored");
    private static readonly JsonEncodedText SIncomplete = JsonEncodedText.Encode("incomplete");
    private static readonly JsonEncodedText SInvalid = JsonEncodedText.Encode("invalid");

    private readonly ScoringEngine _engine;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter _writer;
    private readonly Dictionary<string, decimal?> _answers = new(32, StringComparer.Ordinal);
    private readonly List<AnswerError> _parseErrors = [];
    // Item ids and instrument names recur on every line: keep one string per distinct name instead of allocating.
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;

    public JsonLinesScorer(ScoringEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // output is JSON Lines, never HTML
            SkipValidation = true,
        });
        _nameLookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Scores a UTF-8 stream line by line. Returns the number of lines answered.</summary>
    public long Run(Stream input, Stream output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var buf = ArrayPool<byte>.Shared.Rent(1 << 16);
        long lines = 0;
        try
        {
            int start = 0, end = 0;
            var eof = false;
            var discarding = false; // inside an over-long line, already answered
            var first = true;
            while (true)
            {
                var nl = buf.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (nl >= 0)
                {
                    if (discarding) discarding = false;
                    else
                    {
                        ProcessLine(StripBom(buf.AsSpan(start, nl), ref first));
                        lines++;
                    }

                    start += nl + 1;
                    if (_buffer.WrittenCount >= FlushThreshold) Drain(output);
                    continue;
                }

                if (eof)
                {
                    if (end > start && !discarding)
                    {
                        ProcessLine(StripBom(buf.AsSpan(start, end - start), ref first));
                        lines++;
                    }

                    break;
                }

                if (discarding)
                {
                    start = end = 0;
                }
                else if (start > 0)
                {
                    buf.AsSpan(start, end - start).CopyTo(buf);
                    end -= start;
                    start = 0;
                }

                if (end == buf.Length)
                {
                    if (buf.Length >= MaxLineBytes)
                    {
                        first = false;
                        WriteInvalid(null, null, string.Create(CultureInfo.InvariantCulture, $"line is longer than {MaxLineBytes} bytes"));
                        lines++;
                        discarding = true;
                        start = end = 0;
                    }
                    else
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buf.Length * 2);
                        buf.AsSpan(0, end).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buf);
                        buf = bigger;
                    }
                }

                var n = input.Read(buf, end, buf.Length - end);
                if (n == 0) eof = true;
                else end += n;
            }

            Drain(output);
            output.Flush();
            return lines;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>Scores text line by line (tests and in-process use). Returns the number of lines answered.</summary>
    public long Run(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        long lines = 0;
        var bytes = new byte[1024];
        while (input.ReadLine() is { } line)
        {
            var max = Encoding.UTF8.GetMaxByteCount(line.Length);
            if (bytes.Length < max) bytes = new byte[Math.Max(max, bytes.Length * 2)];
            var n = Encoding.UTF8.GetBytes(line, bytes);
            ProcessLine(bytes.AsSpan(0, n));
            lines++;
            output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
            _buffer.ResetWrittenCount();
        }

        output.Flush();
        return lines;
    }

    /// <summary>Scores one line (without its newline) and appends one JSON line to the internal buffer.</summary>
    private void ProcessLine(ReadOnlySpan<byte> line)
    {
        line = line.Trim(" \t\r\f\v"u8);
        if (line.IsEmpty)
        {
            WriteInvalid(null, null, "blank line");
            return;
        }

        _answers.Clear();
        _parseErrors.Clear();
        string? instrument = null, version = null;
        var sawAnswers = false;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                WriteInvalid(null, null, "line is not a JSON object");
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("instrument"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        reader.Skip();
                        _parseErrors.Add(new AnswerError(null, "'instrument' must be a string"));
                    }
                    else instrument = ReadName(ref reader);
                }
                else if (reader.ValueTextEquals("version"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String) version = reader.GetString();
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        reader.Skip();
                        _parseErrors.Add(new AnswerError(null, "'version' must be a string or null"));
                    }
                }
                else if (reader.ValueTextEquals("answers"u8))
                {
                    reader.Read();
                    sawAnswers = true;
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        _parseErrors.Add(new AnswerError(null, "'answers' must be an object of item id to number"));
                    }
                    else ReadAnswers(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip(); // unknown properties (e.g. a caller's own id) are ignored
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                WriteInvalid(instrument, null, "line holds more than one JSON value");
                return;
            }
        }
        catch (JsonException ex)
        {
            WriteInvalid(instrument, null, "line is not valid JSON: " + ex.Message);
            return;
        }

        if (instrument is null)
        {
            if (_parseErrors.Count == 0) _parseErrors.Add(new AnswerError(null, "'instrument' is required"));
            WriteInvalid(null, null, Sentence(_parseErrors), _parseErrors);
            return;
        }

        if (!sawAnswers) _parseErrors.Add(new AnswerError(null, "'answers' is required"));

        var result = _engine.Score(instrument, _answers, version);
        if (_parseErrors.Count > 0)
        {
            if (result.Status == ScoreStatus.Invalid) _parseErrors.AddRange(result.Errors);

            result = result with
            {
                Status = ScoreStatus.Invalid,
                Total = null,
                RawScore = null,
                Band = null,
                Prorated = false,
                Errors = [.. _parseErrors],
                Error = Sentence(_parseErrors),
            };
        }

        Write(result);
    }

    private void ReadAnswers(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = ReadName(ref reader);
            reader.Read();
            decimal? value;
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    value = null;
                    break;
                case JsonTokenType.Number when reader.TryGetDecimal(out var d):
                    value = d;
                    break;
                case JsonTokenType.Number:
                    _parseErrors.Add(new AnswerError(key, $"item '{key}': number is out of range"));
                    continue;
                default:
                    reader.Skip();
                    _parseErrors.Add(new AnswerError(key, $"item '{key}': answer must be a number or null"));
                    continue;
            }

            if (!_answers.TryAdd(key, value))
            {
                _parseErrors.Add(new AnswerError(key, $"item '{key}' is answered twice"));
            }
        }
    }

    private string ReadName(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (length > 128) return reader.GetString()!;
        Span<char> chars = stackalloc char[128];
        var n = reader.CopyString(chars);
        var span = chars[..n];
        if (_nameLookup.TryGetValue(span, out var name)) return name;
        name = span.ToString();
        if (_names.Count < 4096) _names[name] = name;
        return name;
    }

    private void Write(ScoreResult r)
    {
        var w = _writer;
        w.Reset();
        w.WriteStartObject();
        w.WriteString(PInstrument, r.Instrument);
        if (r.Version is null) w.WriteNull(PVersion);
        else w.WriteString(PVersion, r.Version);
        w.WriteString(PStatus, r.Status switch
        {
            ScoreStatus.Scored => SScored,
            ScoreStatus.Incomplete => SIncomplete,
            _ => SInvalid,
        });
        WriteNumber(PTotal, r.Total);
        WriteNumber(PRaw, r.RawScore);
        if (r.Band is null) w.WriteNull(PBand);
        else w.WriteString(PBand, r.Band);
        w.WriteBoolean(PProrated, r.Prorated);
        WriteStrings(PFlags, r.Flags);
        if (r.Subscores.Count > 0) WriteValues(PSubscores, r.Subscores);
        if (r.ProblemAreas.Count > 0) WriteStrings(PProblemAreas, r.ProblemAreas);
        if (r.ItemGrades.Count > 0) WriteValues(PItemGrades, r.ItemGrades);
        if (r.MissingItems.Count > 0) WriteStrings(PMissing, r.MissingItems);
        if (r.Error is null) w.WriteNull(PError);
        else w.WriteString(PError, r.Error);
        if (r.Errors.Count > 0) WriteErrors(r.Errors);
        w.WriteEndObject();
        w.Flush();
        _buffer.Write("\n"u8);
    }

    private void WriteInvalid(string? instrument, string? version, string message, IReadOnlyList<AnswerError>? errors = null)
    {
        var w = _writer;
        w.Reset();
        w.WriteStartObject();
        if (instrument is null) w.WriteNull(PInstrument);
        else w.WriteString(PInstrument, instrument);
        if (version is null) w.WriteNull(PVersion);
        else w.WriteString(PVersion, version);
        w.WriteString(PStatus, SInvalid);
        w.WriteNull(PTotal);
        w.WriteNull(PRaw);
        w.WriteNull(PBand);
        w.WriteBoolean(PProrated, false);
        w.WriteStartArray(PFlags);
        w.WriteEndArray();
        w.WriteString(PError, message);
        WriteErrors(errors ?? [new AnswerError(null, message)]);
        w.WriteEndObject();
        w.Flush();
        _buffer.Write("\n"u8);
    }

    private void WriteErrors(IReadOnlyList<AnswerError> errors)
    {
        var w = _writer;
        w.WriteStartArray(PErrors);
        foreach (var e in errors)
        {
            w.WriteStartObject();
            if (e.Item is null) w.WriteNull(PItem);
            else w.WriteString(PItem, e.Item);
            w.WriteString(PMessage, e.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private void WriteNumber(JsonEncodedText name, decimal? value)
    {
        if (value is { } v) _writer.WriteNumber(name, v);
        else _writer.WriteNull(name);
    }

    private void WriteStrings(JsonEncodedText name, IReadOnlyList<string> values)
    {
        _writer.WriteStartArray(name);
        foreach (var v in values) _writer.WriteStringValue(v);
        _writer.WriteEndArray();
    }

    private void WriteValues(JsonEncodedText name, IReadOnlyDictionary<string, decimal> values)
    {
        _writer.WriteStartObject(name);
        foreach (var (k, v) in values) _writer.WriteNumber(k, v);
        _writer.WriteEndObject();
    }

    private void Drain(Stream output)
    {
        if (_buffer.WrittenCount == 0) return;
        output.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }

    private static ReadOnlySpan<byte> StripBom(ReadOnlySpan<byte> line, ref bool first)
    {
        if (first)
        {
            first = false;
            if (line.StartsWith("\uFEFF"u8)) return line[3..];
        }

        return line;
    }

    private static string Sentence(List<AnswerError> errors) =>
        "Invalid input: " + string.Join("; ", errors.Select(e => e.Message.TrimEnd('.'))) + ".";

    public void Dispose() => _writer.Dispose();
}
