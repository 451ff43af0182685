using Surveys.Instruments;
using static Surveys.Instruments.Tests.TestSupport;

namespace Surveys.Instruments.Tests;

/// <summary>Exhaustive (small forms) and seeded random (large forms) checks that hold for every answer pattern.</summary>
public class PropertyTests
{
    private static readonly string[] Totalled = ["phq9", "gad7", "who5", "paid20", "paid5", "gold"];

    private static IEnumerable<decimal?[]> Exhaustive(InstrumentDefinition d)
    {
        var items = d.Scoring.Items.Select(id => d.FindItem(id)!).ToArray();
        var current = items.Select(i => i.Min).ToArray();
        while (true)
        {
            yield return current.Select(v => (decimal?)v).ToArray();
            var k = 0;
            while (k < current.Length && current[k] == items[k].Max)
            {
                current[k] = items[k].Min;
                k++;
            }

            if (k == current.Length) yield break;
            current[k]++;
        }
    }

    private static IEnumerable<decimal?[]> Random(InstrumentDefinition d, int seed, int count, bool withMissing)
    {
        var rng = new Random(seed);
        var items = d.Scoring.Items.Select(id => d.FindItem(id)!).ToArray();
        for (var n = 0; n < count; n++)
        {
            var a = items.Select(i => (decimal?)rng.Next((int)i.Min, (int)i.Max + 1)).ToArray();
            if (withMissing)
            {
                var missing = rng.Next(0, d.Scoring.Missing.MaxMissing + 1);
                for (var m = 0; m < missing; m++) a[rng.Next(a.Length)] = null;
            }

            yield return a;
        }
    }

    private static IEnumerable<decimal?[]> Cases(InstrumentDefinition d) =>
        Math.Pow(4, d.Scoring.Items.Count) <= 20000 && d.Scoring.Items.Count <= 7
            ? Exhaustive(d).Concat(Random(d, 7, 2000, withMissing: true))
            : Random(d, 42, 5000, withMissing: true);

    [TestCaseSource(nameof(Totalled))]
    public void HigherAnswerNeverLowersTheTotal(string id)
    {
        var d = Catalog.Find(id)!;
        var checkedPairs = 0;
        foreach (var answers in Cases(d))
        {
            var baseResult = Score(id, answers);
            if (baseResult.Status != ScoreStatus.Scored) continue;
            for (var i = 0; i < answers.Length; i++)
            {
                if (answers[i] is not { } v || v >= d.FindItem(d.Scoring.Items[i])!.Max) continue;
                var higher = (decimal?[])answers.Clone();
                higher[i] = v + 1;
                var r = Score(id, higher);
                Assert.That(r.Status, Is.EqualTo(ScoreStatus.Scored));
                if (r.Total < baseResult.Total)
                {
                    Assert.Fail($"{id}: raising item {i + 1} in [{string.Join(",", answers)}] lowered {baseResult.Total} to {r.Total}");
                }

                checkedPairs++;
            }
        }

        Assert.That(checkedPairs, Is.GreaterThan(100));
    }

    [TestCaseSource(nameof(Totalled))]
    public void ScoredTotalIsInRangeAndHasABand(string id)
    {
        var d = Catalog.Find(id)!;
        foreach (var answers in Cases(d))
        {
            var r = Score(id, answers);
            if (r.Status != ScoreStatus.Scored)
            {
                Assert.That(r.Total, Is.Null);
                continue;
            }

            Assert.That(r.Total, Is.InRange(d.Scoring.TotalMin!.Value, d.Scoring.TotalMax!.Value));
            Assert.That(r.Band, Is.Not.Null);
            Assert.That(d.Scoring.BandFor(r.Total!.Value)!.Name, Is.EqualTo(r.Band));
            Assert.That(decimal.Round(r.Total.Value, d.Scoring.Precision), Is.EqualTo(r.Total.Value));
            Assert.That(r.Prorated, Is.EqualTo(answers.Any(a => a is null)));
        }
    }

    [TestCaseSource(nameof(Totalled))]
    public void CompleteTotalIsSumTimesMultiplier(string id)
    {
        var d = Catalog.Find(id)!;
        foreach (var answers in Random(d, 3, 500, withMissing: false))
        {
            var r = Score(id, answers);
            Assert.That(r.Total, Is.EqualTo(answers.Sum() * d.Scoring.Multiplier));
        }
    }

    [TestCaseSource(nameof(Totalled))]
    public void OneMoreMissingThanAllowedIsAlwaysIncomplete(string id)
    {
        var d = Catalog.Find(id)!;
        foreach (var answers in Random(d, 11, 300, withMissing: false))
        {
            for (var m = 0; m <= d.Scoring.Missing.MaxMissing; m++) answers[m] = null;
            var r = Score(id, answers);
            Assert.That(r.Status, Is.EqualTo(ScoreStatus.Incomplete));
            Assert.That(r.Total, Is.Null);
            Assert.That(r.Band, Is.Null);
        }
    }

    [Test]
    public void Phq9ProrationMatchesTheManualFormulaForEveryPattern()
    {
        // All 4^9 answer patterns would be slow; every sum with 7 and 8 answered items covers the arithmetic exactly.
        for (var answered = 7; answered <= 8; answered++)
        {
            for (var sum = 0; sum <= 3 * answered; sum++)
            {
                var a = Spread.Of(sum, answered, 3).Concat(Repeat(null, 9 - answered)).ToArray();
                var expected = Math.Round(sum * 9m / answered, 0, MidpointRounding.AwayFromZero);
                Assert.That(Score("phq9", a).Total, Is.EqualTo(expected), $"sum {sum}, answered {answered}");
            }
        }
    }

    [Test]
    public void Paid20ProrationMatchesTheManualFormulaForEveryPattern()
    {
        for (var answered = 18; answered <= 19; answered++)
        {
            for (var sum = 0; sum <= 4 * answered; sum++)
            {
                var a = Spread.Of(sum, answered, 4).Concat(Repeat(null, 20 - answered)).ToArray();
                var expected = Math.Round(sum * 25m / answered, 2, MidpointRounding.AwayFromZero);
                Assert.That(Score("paid20", a).Total, Is.EqualTo(expected), $"sum {sum}, answered {answered}");
            }
        }
    }
}
