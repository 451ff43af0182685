using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Surveys.Cli.Commands;
using Surveys.Instruments;
using static Surveys.Instruments.Tests.TestSupport;

namespace Surveys.Instruments.Tests;

/// <summary>The public contract of <c>surveys score</c>: one JSON line out per line in, in order, never a crash.</summary>
public class CliScoreTests
{
    private static List<JsonElement> RunText(string input)
    {
        var output = new StringWriter();
        ScoreCommand.Run(new StringReader(input), output, Engine);
        return Parse(output.ToString());
    }

    private static List<JsonElement> RunBytes(byte[] input)
    {
        using var inStream = new MemoryStream(input);
        using var outStream = new MemoryStream();
        ScoreCommand.Run(inStream, outStream, Engine);
        return Parse(Encoding.UTF8.GetString(outStream.ToArray()));
    }

    private static List<JsonElement> Parse(string output)
    {
        Assert.That(output, Does.EndWith("\n").Or.Empty);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private const string Sample = """
        {"instrument":"paid20","answers":{"1":3,"2":0,"3":1,"4":2,"5":0,"6":0,"7":1,"8":2,"9":4,"10":1,"11":2,"12":0,"13":4,"14":1,"15":2,"16":0,"17":3,"18":2,"19":0,"20":1}}
        {"instrument":"gad7","answers":{"1":0,"2":0,"3":1,"4":1,"5":0,"6":1,"7":0}}

        {"instrument":"phq9","answers":{"1":1,"2":1,"3":1,"4":1,"5":0,"6":0,"7":0,"8":0,"9":1}}
        not json
        {"instrument":"phq9","answers":{"9":2}}
        {"instrument":"who5","answers":{"1":2,"2":2,"3":3,"4":2,"5":3}}
        {"instrument":"nope","answers":{}}
        {"instrument":"gad7","answers":{"1":4,"2":0.5,"3":"2","x":1}}
        {"instrument":"t1d_diary","version":"1.0.0","answers":{"1":0,"2":0,"3":0,"4":0,"5":0,"6":0,"7":0,"8":0,"9":0,"10":0,"11":2,"12":1,"13":35.5}}
        [1,2]
        {"answers":{}}
        {"instrument":"gold","answers":{"1":5}} {"x":1}
        {"instrument":"paid20","answers":{"1":4,"2":4,"3":4,"4":4,"5":4,"6":4,"7":4,"8":4,"9":4,"10":4,"11":4,"12":4,"13":4,"14":4,"15":4,"16":4,"17":4,"18":4,"19":4,"20":4}}
        """;

    private static void AssertSample(List<JsonElement> lines)
    {
        Assert.That(lines, Has.Count.EqualTo(14));
        Assert.Multiple(() =>
        {
            foreach (var l in lines)
            {
                foreach (var p in new[] { "instrument", "status", "total", "band", "prorated", "flags", "error" })
                {
                    Assert.That(l.TryGetProperty(p, out _), Is.True, p + " in " + l);
                }
            }

            Assert.That(lines[0].GetProperty("total").GetDecimal(), Is.EqualTo(36.25m));
            Assert.That(lines[0].GetProperty("band").GetString(), Is.EqualTo("moderate"));
            Assert.That(lines[0].GetProperty("problemAreas").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "1", "9", "13", "17" }));
            Assert.That(lines[1].GetProperty("total").GetDecimal(), Is.EqualTo(3));
            Assert.That(lines[1].GetProperty("band").GetString(), Is.EqualTo("minimal"));

            Assert.That(lines[2].GetProperty("status").GetString(), Is.EqualTo("invalid"));
            Assert.That(lines[2].GetProperty("error").GetString(), Is.EqualTo("blank line"));

            Assert.That(lines[3].GetProperty("total").GetDecimal(), Is.EqualTo(5));
            Assert.That(lines[3].GetProperty("subscores").GetProperty("phq2").GetDecimal(), Is.EqualTo(2));
            Assert.That(lines[3].GetProperty("flags")[0].GetString(), Is.EqualTo("self_harm_risk"));

            Assert.That(lines[4].GetProperty("status").GetString(), Is.EqualTo("invalid"));
            Assert.That(lines[4].GetProperty("error").GetString(), Does.Contain("not valid JSON"));

            Assert.That(lines[5].GetProperty("status").GetString(), Is.EqualTo("incomplete"));
            Assert.That(lines[5].GetProperty("total").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(lines[5].GetProperty("band").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(lines[5].GetProperty("flags")[0].GetString(), Is.EqualTo("self_harm_risk"));

            Assert.That(lines[6].GetProperty("total").GetDecimal(), Is.EqualTo(48));
            Assert.That(lines[6].GetProperty("rawScore").GetDecimal(), Is.EqualTo(12));
            Assert.That(lines[6].GetProperty("band").GetString(), Is.EqualTo("low"));

            Assert.That(lines[7].GetProperty("status").GetString(), Is.EqualTo("invalid"));
            Assert.That(lines[7].GetProperty("error").GetString(), Does.Contain("nope"));

            Assert.That(lines[8].GetProperty("status").GetString(), Is.EqualTo("invalid"));
            Assert.That(lines[8].GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("item").GetString()), Is.EquivalentTo(new[] { "1", "2", "3", "x" }));

            Assert.That(lines[9].GetProperty("status").GetString(), Is.EqualTo("scored"));
            Assert.That(lines[9].GetProperty("flags")[0].GetString(), Is.EqualTo("severe_hypo"));
            Assert.That(lines[9].GetProperty("itemGrades").GetProperty("13").GetDecimal(), Is.EqualTo(35.5m));

            Assert.That(lines[10].GetProperty("status").GetString(), Is.EqualTo("invalid"));
            Assert.That(lines[11].GetProperty("error").GetString(), Does.Contain("'instrument' is required"));
            Assert.That(lines[12].GetProperty("status").GetString(), Is.EqualTo("invalid"));
            Assert.That(lines[13].GetProperty("total").GetRawText(), Is.EqualTo("100"));
            Assert.That(lines[13].GetProperty("prorated").GetBoolean(), Is.False);
        });
    }

    [Test]
    public void TextReaderContract() => AssertSample(RunText(Sample));

    [Test]
    public void StreamContract() => AssertSample(RunBytes(Encoding.UTF8.GetBytes(Sample.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n")));

    [Test]
    public void StreamHandlesCrLfBomAndNoFinalNewline()
    {
        var bytes = Encoding.UTF8.GetPreamble()
            .Concat(Encoding.UTF8.GetBytes("{\"instrument\":\"gold\",\"answers\":{\"1\":2}}\r\n\r\n{\"instrument\":\"gold\",\"answers\":{\"1\":6}}"))
            .ToArray();
        var lines = RunBytes(bytes);
        Assert.That(lines, Has.Count.EqualTo(3));
        Assert.That(lines[0].GetProperty("band").GetString(), Is.EqualTo("aware"));
        Assert.That(lines[1].GetProperty("error").GetString(), Is.EqualTo("blank line"));
        Assert.That(lines[2].GetProperty("band").GetString(), Is.EqualTo("impaired"));
    }

    [Test]
    public void EmptyInputGivesNoOutput() => Assert.That(RunBytes([]), Is.Empty);

    [Test]
    public void ManyLinesAcrossBufferBoundariesStayInOrder()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 20000; i++)
        {
            sb.Append("{\"instrument\":\"gold\",\"answers\":{\"1\":").Append(i % 7 + 1).Append("}}\n");
        }

        var lines = RunBytes(Encoding.UTF8.GetBytes(sb.ToString()));
        Assert.That(lines, Has.Count.EqualTo(20000));
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.That(lines[i].GetProperty("total").GetInt32(), Is.EqualTo(i % 7 + 1));
        }
    }

    [Test]
    public void OverLongLineIsAnsweredInvalidAndTheNextLineStillScores()
    {
        var huge = "{\"instrument\":\"gold\",\"pad\":\"" + new string('x', JsonLinesScorer.MaxLineBytes + 10) + "\",\"answers\":{\"1\":1}}";
        var input = huge + "\n{\"instrument\":\"gold\",\"answers\":{\"1\":7}}\n";
        var lines = RunBytes(Encoding.UTF8.GetBytes(input));
        Assert.That(lines, Has.Count.EqualTo(2));
        Assert.That(lines[0].GetProperty("error").GetString(), Does.Contain("longer than"));
        Assert.That(lines[1].GetProperty("total").GetInt32(), Is.EqualTo(7));
    }

    [Test]
    public void LongButAllowedLineIsScored()
    {
        var big = "{\"instrument\":\"gold\",\"pad\":\"" + new string('x', 200_000) + "\",\"answers\":{\"1\":3}}\n";
        var lines = RunBytes(Encoding.UTF8.GetBytes(big));
        Assert.That(lines.Single().GetProperty("total").GetInt32(), Is.EqualTo(3));
    }

    [TestCase("{\"instrument\":\"gold\",\"answers\":{\"1\":1e400}}", "out of range")]
    [TestCase("{\"instrument\":\"gold\",\"answers\":{\"1\":1,\"1\":2}}", "answered twice")]
    [TestCase("{\"instrument\":\"gold\",\"answers\":[1]}", "'answers' must be an object")]
    [TestCase("{\"instrument\":\"gold\"}", "'answers' is required")]
    [TestCase("{\"instrument\":7,\"answers\":{}}", "'instrument' must be a string")]
    [TestCase("{\"instrument\":\"gold\",\"answers\":{\"1\":true}}", "must be a number or null")]
    [TestCase("{\"instrument\":\"gold\",\"answers\":{\"1\":3}", "not valid JSON")]
    [TestCase("\"gold\"", "not a JSON object")]
    [TestCase("{\"instrument\":\"gold\",\"version\":\"7.0\",\"answers\":{\"1\":3}}", "Unknown version")]
    public void MalformedLinesAreInvalidNotCrashes(string line, string message)
    {
        var l = RunText(line).Single();
        Assert.That(l.GetProperty("status").GetString(), Is.EqualTo("invalid"));
        Assert.That(l.GetProperty("error").GetString(), Does.Contain(message));
    }

    [Test]
    public void NullAnswerIsUnanswered()
    {
        var l = RunText("{\"instrument\":\"gad7\",\"answers\":{\"1\":1,\"2\":1,\"3\":1,\"4\":0,\"5\":0,\"6\":0,\"7\":null}}").Single();
        Assert.That(l.GetProperty("status").GetString(), Is.EqualTo("scored"));
        Assert.That(l.GetProperty("prorated").GetBoolean(), Is.True);
        Assert.That(l.GetProperty("total").GetDecimal(), Is.EqualTo(4));
    }

    [Test]
    public void ExplicitVersionIsAccepted()
    {
        var l = RunText("{\"instrument\":\"gold\",\"version\":\"1.0.0\",\"answers\":{\"1\":3}}").Single();
        Assert.That(l.GetProperty("version").GetString(), Is.EqualTo("1.0.0"));
        Assert.That(l.GetProperty("total").GetInt32(), Is.EqualTo(3));
    }

    [Test]
    public void BuiltExecutableScoresAsARealProcess()
    {
        var dir = TestContext.CurrentContext.TestDirectory;
        var apphost = Path.Combine(dir, OperatingSystem.IsWindows() ? "surveys.exe" : "surveys");
        var psi = File.Exists(apphost)
            ? new ProcessStartInfo(apphost)
            : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(dir, "surveys.dll") } };
        psi.ArgumentList.Add("score");
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        psi.StandardInputEncoding = new UTF8Encoding(false);

        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(Sample.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        p.StandardInput.Close();
        Assert.That(p.WaitForExit(60_000), Is.True, "surveys score did not finish");
        Assert.That(p.ExitCode, Is.Zero, stderrTask.Result);
        AssertSample(Parse(stdoutTask.Result));
    }

    [Test]
    public void BrokenDefinitionsFolderStopsTheCommandWithExitCode2()
    {
        var dir = Path.Combine(Path.GetTempPath(), "surveys-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "bad.json"), "{}");
            var psi = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(TestContext.CurrentContext.TestDirectory, "surveys.dll"), "score", "--definitions", dir },
                RedirectStandardInput = true,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var err = p.StandardError.ReadToEnd();
            Assert.That(p.WaitForExit(60_000), Is.True);
            Assert.That(p.ExitCode, Is.EqualTo(2));
            Assert.That(err, Does.Contain("bad.json: 'id' is required"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
