using Surveys.Instruments;
using static Surveys.Instruments.Tests.TestSupport;

namespace Surveys.Instruments.Tests;

/// <summary>Answers that add up to <paramref name="total"/> spread over <paramref name="count"/> items of at most <paramref name="max"/>.</summary>
internal static class Spread
{
    public static decimal?[] Of(int total, int count, int max)
    {
        var a = new decimal?[count];
        for (var i = 0; i < count; i++)
        {
            var v = Math.Min(max, total);
            a[i] = v;
            total -= v;
        }

        ArgumentOutOfRangeException.ThrowIfNotEqual(total, 0);
        return a;
    }
}

public class Phq9Tests
{
    [TestCase(0, "minimal")]
    [TestCase(4, "minimal")]
    [TestCase(5, "mild")]
    [TestCase(9, "mild")]
    [TestCase(10, "moderate")]
    [TestCase(14, "moderate")]
    [TestCase(15, "moderately_severe")]
    [TestCase(19, "moderately_severe")]
    [TestCase(20, "severe")]
    [TestCase(27, "severe")]
    public void BandEdges(int total, string band)
    {
        var r = Score("phq9", Spread.Of(total, 9, 3));
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Scored));
            Assert.That(r.Total, Is.EqualTo(total));
            Assert.That(r.Band, Is.EqualTo(band));
            Assert.That(r.Prorated, Is.False);
        });
    }

    [Test]
    public void Phq2IsItemsOnePlusTwo()
    {
        var r = Score("phq9", 3, 2, 0, 0, 0, 0, 0, 0, 0);
        Assert.That(r.Subscores["phq2"], Is.EqualTo(5));
        Assert.That(r.Total, Is.EqualTo(5));
    }

    [Test]
    public void Item10IsOptionalAndNotScored()
    {
        var without = Score("phq9", 1, 1, 1, 1, 1, 1, 1, 1, 0);
        var with = Score("phq9", 1, 1, 1, 1, 1, 1, 1, 1, 0, 3);
        Assert.That(without.Total, Is.EqualTo(8));
        Assert.That(with.Total, Is.EqualTo(8));
        Assert.That(without.Prorated, Is.False);
    }

    [Test]
    public void TwoMissingIsProrated()
    {
        // items 1-7 answered, sum 10: 10 × 9 / 7 = 12.857… → 13
        var r = Score("phq9", 1, 1, 2, 2, 2, 1, 1, null, null);
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Scored));
            Assert.That(r.Prorated, Is.True);
            Assert.That(r.RawScore, Is.EqualTo(10));
            Assert.That(r.Total, Is.EqualTo(13));
            Assert.That(r.Band, Is.EqualTo("moderate"));
            Assert.That(r.MissingItems, Is.EqualTo(new[] { "8", "9" }));
        });
    }

    [Test]
    public void ProrationHalfRoundsUp()
    {
        // 8 answered, sum 4: 4 × 9 / 8 = 4.5 → 5 (half up), crossing minimal → mild.
        var r = Score("phq9", 1, 1, 1, 1, 0, 0, 0, 0, null);
        Assert.That(r.Total, Is.EqualTo(5));
        Assert.That(r.Band, Is.EqualTo("mild"));
        Assert.That(r.Prorated, Is.True);
    }

    [Test]
    public void ProrationRoundsDownBelowHalf()
    {
        // 8 answered, sum 3: 27 / 8 = 3.375 → 3
        Assert.That(Score("phq9", 1, 1, 1, 0, 0, 0, 0, 0, null).Total, Is.EqualTo(3));
    }

    [Test]
    public void ThreeMissingIsIncomplete()
    {
        var r = Score("phq9", 3, 3, 3, 3, 3, 3, null, null, null);
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Incomplete));
            Assert.That(r.Total, Is.Null);
            Assert.That(r.Band, Is.Null);
            Assert.That(r.RawScore, Is.Null);
            Assert.That(r.Prorated, Is.False);
            Assert.That(r.Errors, Is.Empty);
        });
    }

    [Test]
    public void NullAnswerCountsAsMissing()
    {
        var answers = Answers(1, 1, 1, 1, 1, 1, 1, 1, 1);
        answers["4"] = null;
        answers["5"] = null;
        answers["6"] = null;
        Assert.That(Engine.Score("phq9", answers).Status, Is.EqualTo(ScoreStatus.Incomplete));
        answers["6"] = 1;
        var r = Engine.Score("phq9", answers);
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Scored));
        Assert.That(r.Total, Is.EqualTo(9));
        Assert.That(r.Prorated, Is.True);
    }

    [TestCase(0, false)]
    [TestCase(1, true)]
    [TestCase(2, true)]
    [TestCase(3, true)]
    public void SelfHarmFlagFromItem9(int item9, bool flagged)
    {
        var r = Score("phq9", 0, 0, 0, 0, 0, 0, 0, 0, item9);
        Assert.That(r.Flags.Contains("self_harm_risk"), Is.EqualTo(flagged));
    }

    [Test]
    public void SelfHarmFlagOnIncompleteForm()
    {
        var r = Score("phq9", null, null, null, null, null, null, null, null, 1);
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Incomplete));
        Assert.That(r.Flags, Is.EqualTo(new[] { "self_harm_risk" }));
    }

    [Test]
    public void SelfHarmFlagEvenWhenAnotherAnswerIsInvalid()
    {
        var r = Score("phq9", 7, 0, 0, 0, 0, 0, 0, 0, 2);
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Invalid));
        Assert.That(r.Flags, Is.EqualTo(new[] { "self_harm_risk" }));
    }

    [Test]
    public void EmptyAnswersAreIncomplete()
    {
        var r = Engine.Score("phq9", new Dictionary<string, decimal?>());
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Incomplete));
        Assert.That(r.Flags, Is.Empty);
        Assert.That(r.Subscores, Is.Empty);
    }
}

public class Gad7Tests
{
    [Test]
    public void ManualExample()
    {
        var r = Score("gad7", 0, 0, 1, 1, 0, 1, 0);
        Assert.That(r.Total, Is.EqualTo(3));
        Assert.That(r.Band, Is.EqualTo("minimal"));
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Scored));
    }

    [TestCase(0, "minimal")]
    [TestCase(4, "minimal")]
    [TestCase(5, "mild")]
    [TestCase(9, "mild")]
    [TestCase(10, "moderate")]
    [TestCase(14, "moderate")]
    [TestCase(15, "severe")]
    [TestCase(21, "severe")]
    public void BandEdges(int total, string band)
    {
        var r = Score("gad7", Spread.Of(total, 7, 3));
        Assert.That(r.Total, Is.EqualTo(total));
        Assert.That(r.Band, Is.EqualTo(band));
    }

    [Test]
    public void OneMissingIsProratedWithHalfUp()
    {
        // 6 answered, sum 3: 3 × 7 / 6 = 3.5 → 4
        var r = Score("gad7", 1, 1, 1, 0, 0, 0, null);
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Scored));
        Assert.That(r.Prorated, Is.True);
        Assert.That(r.Total, Is.EqualTo(4));
        Assert.That(r.RawScore, Is.EqualTo(3));
    }

    [Test]
    public void ProrationCrossesBandEdge()
    {
        // 6 answered, sum 13: 91 / 6 = 15.17 → 15, severe (the unprorated sum would be moderate)
        var r = Score("gad7", 3, 3, 3, 3, 1, null, 0);
        Assert.That(r.Total, Is.EqualTo(15));
        Assert.That(r.Band, Is.EqualTo("severe"));
    }

    [Test]
    public void TwoMissingIsIncomplete()
    {
        var r = Score("gad7", 3, 3, 3, 3, 3, null, null);
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Incomplete));
        Assert.That(r.Total, Is.Null);
        Assert.That(r.Band, Is.Null);
    }
}

public class Who5Tests
{
    [Test]
    public void ManualExample()
    {
        var r = Score("who5", 2, 2, 3, 2, 3);
        Assert.Multiple(() =>
        {
            Assert.That(r.RawScore, Is.EqualTo(12));
            Assert.That(r.Total, Is.EqualTo(48));
            Assert.That(r.Band, Is.EqualTo("low"));
        });
    }

    [TestCase(0, 0, "very_low")]
    [TestCase(7, 28, "very_low")]
    [TestCase(8, 32, "low")]
    [TestCase(12, 48, "low")]
    [TestCase(13, 52, "adequate")]
    [TestCase(25, 100, "adequate")]
    public void BandEdges(int raw, int total, string band)
    {
        var r = Score("who5", Spread.Of(raw, 5, 5));
        Assert.That(r.RawScore, Is.EqualTo(raw));
        Assert.That(r.Total, Is.EqualTo(total));
        Assert.That(r.Band, Is.EqualTo(band));
    }

    [Test]
    public void BandBoundariesOnTheTotalScale()
    {
        var s = Catalog.Find("who5")!.Scoring;
        Assert.Multiple(() =>
        {
            Assert.That(s.BandFor(28)!.Name, Is.EqualTo("very_low"));
            Assert.That(s.BandFor(29)!.Name, Is.EqualTo("low"));
            Assert.That(s.BandFor(49)!.Name, Is.EqualTo("low"));
            Assert.That(s.BandFor(50)!.Name, Is.EqualTo("adequate"));
        });
    }

    [Test]
    public void EveryItemRequired()
    {
        var r = Score("who5", 5, 5, 5, 5, null);
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Incomplete));
        Assert.That(r.Total, Is.Null);
        Assert.That(r.Prorated, Is.False);
    }
}

public class Paid20Tests
{
    [Test]
    public void ManualExample()
    {
        var r = Score("paid20", 3, 0, 1, 2, 0, 0, 1, 2, 4, 1, 2, 0, 4, 1, 2, 0, 3, 2, 0, 1);
        Assert.Multiple(() =>
        {
            Assert.That(r.RawScore, Is.EqualTo(29));
            Assert.That(r.Total, Is.EqualTo(36.25m));
            Assert.That(r.Band, Is.EqualTo("moderate"));
            Assert.That(r.ProblemAreas, Is.EqualTo(new[] { "1", "9", "13", "17" }));
            Assert.That(r.Prorated, Is.False);
        });
    }

    [TestCase(0, "0", "low")]
    [TestCase(13, "16.25", "low")]
    [TestCase(14, "17.5", "moderate")]
    [TestCase(31, "38.75", "moderate")]
    [TestCase(32, "40", "high")]
    [TestCase(80, "100", "high")]
    public void BandEdgesOnReachableTotals(int raw, string total, string band)
    {
        var r = Score("paid20", Spread.Of(raw, 20, 4));
        Assert.That(r.Total, Is.EqualTo(decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(r.Band, Is.EqualTo(band));
    }

    [TestCase("16.99", "low")]
    [TestCase("17", "moderate")]
    [TestCase("39.99", "moderate")]
    [TestCase("40", "high")]
    public void BandEdgesOnDecimalTotals(string total, string band)
    {
        var s = Catalog.Find("paid20")!.Scoring;
        Assert.That(s.BandFor(decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture))!.Name, Is.EqualTo(band));
    }

    [Test]
    public void TwoMissingIsProratedToTwoDecimals()
    {
        // 18 answered, sum 29: 29 × 25 / 18 = 40.2777… → 40.28, high
        var answers = Spread.Of(29, 20, 4);
        Assert.That(answers[18], Is.EqualTo(0m));
        answers[18] = null;
        answers[19] = null;
        var r = Score("paid20", answers);
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Scored));
            Assert.That(r.Prorated, Is.True);
            Assert.That(r.Total, Is.EqualTo(40.28m));
            Assert.That(r.Band, Is.EqualTo("high"));
        });
    }

    [Test]
    public void OneMissingProratedCrossesModerateEdge()
    {
        // 19 answered, sum 13: 13 × 25 / 19 = 17.105… → 17.11, moderate (unprorated 16.25 would be low)
        var answers = Spread.Of(13, 20, 4);
        answers[19] = null;
        var r = Score("paid20", answers);
        Assert.That(r.Total, Is.EqualTo(17.11m));
        Assert.That(r.Band, Is.EqualTo("moderate"));
    }

    [Test]
    public void ProrationRoundsHalfUpAtTheThirdDecimal()
    {
        // 19 answered, sum 1: 25 / 19 = 1.3157… → 1.32; sum 2: 2.6315… → 2.63
        var a = Spread.Of(1, 20, 4);
        a[19] = null;
        Assert.That(Score("paid20", a).Total, Is.EqualTo(1.32m));
        var b = Spread.Of(2, 20, 4);
        b[19] = null;
        Assert.That(Score("paid20", b).Total, Is.EqualTo(2.63m));
    }

    [Test]
    public void ThreeMissingIsIncompleteButListsProblemAreas()
    {
        var answers = Repeat(4, 20);
        answers[0] = answers[1] = answers[2] = null;
        var r = Score("paid20", answers);
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Incomplete));
        Assert.That(r.Total, Is.Null);
        Assert.That(r.ProblemAreas, Has.Count.EqualTo(17));
    }
}

public class Paid5Tests
{
    [TestCase(0, "below_threshold")]
    [TestCase(7, "below_threshold")]
    [TestCase(8, "possible_distress")]
    [TestCase(20, "possible_distress")]
    public void BandEdges(int total, string band)
    {
        var r = Score("paid5", Spread.Of(total, 5, 4));
        Assert.That(r.Total, Is.EqualTo(total));
        Assert.That(r.Band, Is.EqualTo(band));
    }

    [Test]
    public void AllItemsRequired() =>
        Assert.That(Score("paid5", 4, 4, 4, 4, null).Status, Is.EqualTo(ScoreStatus.Incomplete));

    [Test]
    public void Item5AllowsUpTo4()
    {
        Assert.That(Score("paid5", 0, 0, 0, 0, 4).Total, Is.EqualTo(4));
        Assert.That(Score("paid5", 0, 0, 0, 0, 5).Status, Is.EqualTo(ScoreStatus.Invalid));
    }
}

public class GoldTests
{
    [TestCase(1, "aware")]
    [TestCase(3, "aware")]
    [TestCase(4, "impaired")]
    [TestCase(7, "impaired")]
    public void Bands(int answer, string band)
    {
        var r = Score("gold", answer);
        Assert.That(r.Total, Is.EqualTo(answer));
        Assert.That(r.Band, Is.EqualTo(band));
    }

    [TestCase(0)]
    [TestCase(8)]
    public void OutOfRange(int answer) => Assert.That(Score("gold", answer).Status, Is.EqualTo(ScoreStatus.Invalid));

    [Test]
    public void Unanswered() => Assert.That(Score("gold").Status, Is.EqualTo(ScoreStatus.Incomplete));
}

/// <summary>Diary version 1.0.0 (past 7 days): answers collected with it still score with it.</summary>
public class DiaryTests
{
    private static decimal?[] Calm() => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static ScoreResult Score(string instrument, params decimal?[] values) => Engine.Score(instrument, Answers(values), "1.0.0");

    [Test]
    public void CompleteDiaryHasNoTotalAndGradesEveryAnsweredItem()
    {
        var a = Calm().Append(40.5m).ToArray();
        a[2] = 2;
        var r = Score("t1d_diary", a);
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Scored));
            Assert.That(r.Total, Is.Null);
            Assert.That(r.Band, Is.Null);
            Assert.That(r.Flags, Is.Empty);
            Assert.That(r.ItemGrades, Has.Count.EqualTo(13));
            Assert.That(r.ItemGrades["3"], Is.EqualTo(2));
            Assert.That(r.ItemGrades["13"], Is.EqualTo(40.5m));
        });
    }

    [Test]
    public void Item13IsOptional() => Assert.That(Score("t1d_diary", Calm()).Status, Is.EqualTo(ScoreStatus.Scored));

    [Test]
    public void MissingRequiredItemIsIncomplete()
    {
        var a = Calm();
        a[11] = null;
        Assert.That(Score("t1d_diary", a).Status, Is.EqualTo(ScoreStatus.Incomplete));
    }

    [TestCase(5, 3, true)]
    [TestCase(6, 4, true)]
    [TestCase(7, 3, true)]
    [TestCase(8, 3, true)]
    [TestCase(5, 2, false)]
    [TestCase(1, 4, false)]
    [TestCase(4, 4, false)]
    public void DkaWarningFromOneSevereItem(int item, int grade, bool flagged)
    {
        var a = Calm();
        a[item - 1] = grade;
        Assert.That(Score("t1d_diary", a).Flags.Contains("dka_warning"), Is.EqualTo(flagged));
    }

    [TestCase(5, 6, true)]
    [TestCase(7, 8, true)]
    [TestCase(5, 8, true)]
    [TestCase(4, 5, false)]
    public void DkaWarningFromTwoModerateItems(int first, int second, bool flagged)
    {
        var a = Calm();
        a[first - 1] = 2;
        a[second - 1] = 2;
        Assert.That(Score("t1d_diary", a).Flags.Contains("dka_warning"), Is.EqualTo(flagged));
    }

    [Test]
    public void FlagsOnIncompleteDiary()
    {
        var a = new decimal?[12];
        a[6] = 3;
        a[9] = 1;
        a[11] = 1;
        var r = Score("t1d_diary", a);
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Incomplete));
        Assert.That(r.Flags, Is.EqualTo(new[] { "dka_warning", "severe_hypo", "fever" }));
    }

    [Test]
    public void Item13AllowsOneDecimalOnly()
    {
        var ok = Calm().Append(12.5m).ToArray();
        var bad = Calm().Append(12.25m).ToArray();
        Assert.That(Score("t1d_diary", ok).Status, Is.EqualTo(ScoreStatus.Scored));
        var r = Score("t1d_diary", bad);
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Invalid));
        Assert.That(r.Errors.Single().Item, Is.EqualTo("13"));
    }

    [TestCase(11, "99", true)]
    [TestCase(11, "100", false)]
    [TestCase(11, "2.5", false)]
    [TestCase(13, "300", true)]
    [TestCase(13, "300.1", false)]
    [TestCase(13, "-0.1", false)]
    [TestCase(10, "2", false)]
    [TestCase(9, "4", true)]
    [TestCase(9, "5", false)]
    public void NumericRanges(int item, string value, bool valid)
    {
        var a = Calm().Append(null).ToArray();
        a[item - 1] = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var r = Score("t1d_diary", a);
        Assert.That(r.Status, Is.EqualTo(valid ? ScoreStatus.Scored : ScoreStatus.Invalid));
    }
}

public class InvalidInputTests
{
    [Test]
    public void UnknownInstrument()
    {
        var r = Engine.Score("phq10", Answers(1));
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Invalid));
            Assert.That(r.Instrument, Is.EqualTo("phq10"));
            Assert.That(r.Version, Is.Null);
            Assert.That(r.Error, Does.Contain("phq10"));
            Assert.That(r.Errors, Has.Count.EqualTo(1));
            Assert.That(r.Flags, Is.Empty);
            Assert.That(r.Subscores, Is.Empty);
        });
    }

    [Test]
    public void UnknownVersion()
    {
        var r = Engine.Score("phq9", Answers(1), "2.0.0");
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Invalid));
        Assert.That(r.Error, Does.Contain("2.0.0"));
    }

    [Test]
    public void UnknownItemNamesTheItem()
    {
        var answers = Answers(0, 0, 0, 0, 0, 0, 0);
        answers["8"] = 1;
        var r = Engine.Score("gad7", answers);
        Assert.That(r.Status, Is.EqualTo(ScoreStatus.Invalid));
        Assert.That(r.Errors.Single().Item, Is.EqualTo("8"));
        Assert.That(r.Error, Does.Contain("'8'"));
        Assert.That(r.Total, Is.Null);
    }

    [TestCase("phq9", 1, "4")]
    [TestCase("phq9", 1, "-1")]
    [TestCase("phq9", 10, "4")]
    [TestCase("phq9", 3, "1.5")]
    [TestCase("who5", 2, "6")]
    [TestCase("paid20", 20, "5")]
    [TestCase("paid20", 1, "0.5")]
    public void BadValueMakesWholeResultInvalid(string instrument, int item, string value)
    {
        var def = Catalog.Find(instrument)!;
        var answers = Answers(Repeat(1, def.Scoring.Items.Count));
        var id = item.ToString(System.Globalization.CultureInfo.InvariantCulture);
        answers[id] = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var r = Engine.Score(instrument, answers);
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Invalid));
            Assert.That(r.Total, Is.Null);
            Assert.That(r.Band, Is.Null);
            Assert.That(r.Errors.Select(e => e.Item), Is.EqualTo(new[] { id }));
            Assert.That(r.Error, Does.Contain($"'{id}'"));
        });
    }

    [Test]
    public void WholeNumberWrittenWithDecimalsIsAccepted() =>
        Assert.That(Score("gad7", 1.0m, 0, 0, 0, 0, 0, 0).Total, Is.EqualTo(1));

    [Test]
    public void SeveralErrorsAreAllReported()
    {
        var answers = Answers(9, 0, 0, 0, 0, 0, 0);
        answers["x"] = 1;
        var r = Engine.Score("gad7", answers);
        Assert.That(r.Errors.Select(e => e.Item), Is.EquivalentTo(new[] { "1", "x" }));
    }
}
