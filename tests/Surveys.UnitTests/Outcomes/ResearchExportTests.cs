using System.Globalization;
using Microsoft.Data.Sqlite;
using Surveys.Intake.Research;
using Surveys.UnitTests.Scheduling;

namespace Surveys.UnitTests.Outcomes;

public class ResearchExportTests
{
    [Test]
    public async Task Hostile_text_reads_back_exactly_and_cannot_become_a_formula()
    {
        string[] values = ["=HYPERLINK(\"http://x\")", "+1", "-1+2", "@SUM(A1)", "\tTAB", "a,b", "say \"hi\"", "two\r\nlines", "plain", ""];
        using var text = new StringWriter();
        var csv = new CsvWriter(text);
        foreach (var value in values)
        {
            csv.Text(value);
        }

        csv.Number(-3m).Number(12.5m).Number((long?)null);
        await csv.EndRowAsync(CancellationToken.None);

        var rows = Rfc4180.Read(new StringReader(text.ToString())).ToList();
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(rows[0], Is.EqualTo(new[]
        {
            "'=HYPERLINK(\"http://x\")", "'+1", "'-1+2", "'@SUM(A1)", "'\tTAB", "a,b", "say \"hi\"", "two\r\nlines", "plain", "", "-3", "12.5", "",
        }));
        Assert.That(text.ToString(), Does.EndWith("\r\n"));
    }

    /// <summary>
    /// 200 000 submissions in a real SQLite file: the export's live managed heap, sampled after a full collection
    /// every megabyte written, stays far below what holding the rows would take (a buffered query holds ~100 MB
    /// here), and the CSV reads back to exactly the seeded values.
    /// </summary>
    [Test]
    public async Task A_large_export_streams_in_little_memory_and_parses_back_exactly()
    {
        const int patients = 2000;
        const int perPatient = 100;
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var expected = await SeedAsync(world, patients, perPatient);

        var export = new ResearchExport(new ExportStore(world.Main.Db), FollowUpWorld.Instruments);
        var path = Path.Combine(world.Directory, "export.csv");
        long rows;
        long peak;
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        await using (var sink = new SamplingStream(File.Create(path), 1 << 20))
        {
            await using (var writer = new StreamWriter(sink, new System.Text.UTF8Encoding(false), 64 * 1024))
            {
                rows = await export.WriteCsvAsync("phq9", writer, CancellationToken.None);
            }

            peak = sink.PeakHeap;
        }

        Assert.That(new FileInfo(path).Length, Is.GreaterThan(20L << 20), "the export is much larger than the memory bound");

        Assert.That(rows, Is.EqualTo(patients * perPatient));
        Assert.That(peak - baseline, Is.LessThan(16L << 20), $"live heap grew by {(peak - baseline) >> 20} MB while exporting");

        using var reader = new StreamReader(path);
        using var parsed = Rfc4180.Read(reader).GetEnumerator();
        Assert.That(parsed.MoveNext(), Is.True);
        Assert.That(parsed.Current, Is.EqualTo(new[]
        {
            "patient_id", "submission_id", "days_since_index", "instrument", "definition_version", "status",
            "item_1", "item_2", "item_3", "item_4", "item_5", "item_6", "item_7", "item_8", "item_9", "item_10", "total", "band", "prorated",
        }));
        var seen = 0;
        var previous = "";
        while (parsed.MoveNext())
        {
            var row = parsed.Current;
            Assert.That(expected.Remove(row[1], out var want), Is.True, $"row {seen}: unexpected submission {row[1]}");
            if (!row.SequenceEqual(want!))
            {
                Assert.That(row, Is.EqualTo(want), $"row {seen}");
            }

            Assert.That(string.CompareOrdinal(previous, row[0]), Is.LessThanOrEqualTo(0), "rows come patient by patient");
            previous = row[0];
            seen++;
        }

        Assert.That((seen, expected.Count), Is.EqualTo((patients * perPatient, 0)));
    }

    [Test]
    public async Task The_dictionary_describes_every_column_of_the_export_with_its_answer_labels()
    {
        using var world = new FollowUpWorld(DateTimeOffset.UtcNow);
        var export = new ResearchExport(new ExportStore(world.Main.Db), FollowUpWorld.Instruments);
        using var text = new StringWriter();
        await export.WriteDictionaryAsync("who5", text, CancellationToken.None);

        var rows = Rfc4180.Read(new StringReader(text.ToString())).ToList();
        Assert.That(rows[0], Is.EqualTo(new[] { "column", "type", "meaning", "allowed_values" }));
        var byColumn = rows.Skip(1).ToDictionary(r => r[0]);
        Assert.That(byColumn.Keys, Is.EqualTo(ResearchExport.Columns(["1", "2", "3", "4", "5"])));
        Assert.That(byColumn["item_1"][3], Is.EqualTo(
            "5 = All of the time; 4 = Most of the time; 3 = More than half of the time; 2 = Less than half of the time; 1 = Some of the time; 0 = At no time"));
        Assert.That(byColumn["item_1"][2], Does.Contain("I have felt cheerful and in good spirits"));
        Assert.That(byColumn["total"][3], Is.EqualTo("0 to 100"));
        Assert.That(byColumn["total"][2], Does.Contain("higher is better"));
        Assert.That(byColumn["band"][3], Is.EqualTo("very_low = 0 to 28; low = 29 to 49; adequate = 50 to 100"));
    }

    /// <summary>
    /// Seeds patients and PHQ-9 submissions straight into intake's tables (one transaction; foreign keys off for
    /// speed, so no invitations are needed) and returns each submission's expected export row, computed here.
    /// Half the patients live in Asia/Kolkata (UTC+05:30): a submission at 20:00 UTC is the next local day there.
    /// </summary>
    private static async Task<Dictionary<string, List<string>>> SeedAsync(FollowUpWorld world, int patients, int perPatient)
    {
        var expected = new Dictionary<string, List<string>>(patients * perPatient);
        var first = new DateTimeOffset(2026, 1, 1, 20, 0, 0, TimeSpan.Zero);
        string[] bands = ["minimal", "mild", "moderate", "moderately_severe", "severe"];
        await using var connection = new SqliteConnection(((Surveys.Data.SqliteDb)world.Main.Db).ConnectionString);
        await connection.OpenAsync();
        using (var off = connection.CreateCommand())
        {
            off.CommandText = "PRAGMA foreign_keys=OFF; PRAGMA synchronous=OFF;";
            await off.ExecuteNonQueryAsync();
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        using var patient = connection.CreateCommand();
        patient.CommandText = "INSERT INTO patients (id, created_at, index_date, time_zone, protocol) VALUES ($id, '2026-01-01T00:00:00Z', '2026-01-01', $tz, 't1d-followup')";
        var patientId = patient.Parameters.Add("$id", SqliteType.Text);
        var zone = patient.Parameters.Add("$tz", SqliteType.Text);
        using var submission = connection.CreateCommand();
        submission.CommandText = """
            INSERT INTO submissions (id, invitation_id, patient_id, instrument, definition_version, answers, submitted_at, outbox_message_id, score_status, total, band, prorated)
            VALUES ($id, $id, $patient, 'phq9', '1.0.0', $answers, $at, $id, $status, $total, $band, $prorated)
            """;
        var id = submission.Parameters.Add("$id", SqliteType.Text);
        var owner = submission.Parameters.Add("$patient", SqliteType.Text);
        var answersParameter = submission.Parameters.Add("$answers", SqliteType.Text);
        var at = submission.Parameters.Add("$at", SqliteType.Text);
        var status = submission.Parameters.Add("$status", SqliteType.Text);
        var total = submission.Parameters.Add("$total", SqliteType.Text);
        var band = submission.Parameters.Add("$band", SqliteType.Text);
        var prorated = submission.Parameters.Add("$prorated", SqliteType.Integer);
        for (var p = 0; p < patients; p++)
        {
            var pid = Guid.NewGuid().ToString("D");
            var kolkata = p % 2 == 1;
            (patientId.Value, zone.Value) = (pid, kolkata ? "Asia/Kolkata" : "UTC");
            await patient.ExecuteNonQueryAsync();
            for (var k = 0; k < perPatient; k++)
            {
                var sid = Guid.NewGuid().ToString("D");
                var items = Enumerable.Range(1, 9).Select(i => (i + k + p) % 4).ToArray();
                var incomplete = k % 10 == 9;     // items 1-3 missing: incomplete
                var missingOne = k % 10 == 3;     // item 9 missing: prorated
                var answers = new List<string>();
                var cells = new List<string>();
                for (var i = 1; i <= 9; i++)
                {
                    var missing = (incomplete && i <= 3) || (missingOne && i == 9);
                    if (!missing)
                    {
                        answers.Add($"\"{i}\":{items[i - 1]}");
                    }

                    cells.Add(missing ? "" : items[i - 1].ToString(CultureInfo.InvariantCulture));
                }

                var sum = items.Take(missingOne ? 8 : 9).Sum();
                var totalValue = incomplete ? (int?)null : missingOne ? (int)Math.Round(sum * 9m / 8m, MidpointRounding.AwayFromZero) : sum;
                answers.Add(k % 2 == 0 ? "\"10\":1" : "\"10\":null");
                cells.Add(k % 2 == 0 ? "1" : "");
                (id.Value, owner.Value, answersParameter.Value) = (sid, pid, "{" + string.Join(',', answers) + "}");
                at.Value = first.AddDays(k).ToString("O", CultureInfo.InvariantCulture);
                status.Value = incomplete ? "incomplete" : "scored";
                total.Value = (object?)totalValue?.ToString(CultureInfo.InvariantCulture) ?? DBNull.Value;
                var bandName = totalValue is { } t ? bands[Math.Min(t / 5, 4)] : null;
                band.Value = (object?)bandName ?? DBNull.Value;
                prorated.Value = incomplete ? DBNull.Value : missingOne ? 1 : 0;
                await submission.ExecuteNonQueryAsync();

                var days = k + (kolkata ? 1 : 0);
                expected[sid] =
                [
                    pid, sid, days.ToString(CultureInfo.InvariantCulture), "phq9", "1.0.0", incomplete ? "incomplete" : "scored",
                    .. cells, totalValue?.ToString(CultureInfo.InvariantCulture) ?? "", bandName ?? "", incomplete ? "" : missingOne ? "1" : "0",
                ];
            }
        }

        await transaction.CommitAsync();
        return expected;
    }

    /// <summary>Passes writes through to a file, and every <c>interval</c> bytes records the live managed heap after a full collection.</summary>
    private sealed class SamplingStream(Stream inner, long interval) : Stream
    {
        private readonly long _interval = interval;
        private long _nextSample = interval;

        public long PeakHeap { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Sample();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Sample();
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Sample()
        {
            if (inner.Position < _nextSample)
            {
                return;
            }

            _nextSample = inner.Position + _interval;
            PeakHeap = Math.Max(PeakHeap, GC.GetTotalMemory(forceFullCollection: true));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
