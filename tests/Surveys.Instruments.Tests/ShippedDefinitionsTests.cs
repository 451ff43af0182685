using Surveys.Instruments;
using static Surveys.Instruments.Tests.TestSupport;

namespace Surveys.Instruments.Tests;

public class ShippedDefinitionsTests
{
    private static readonly string[] Ids = ["gad7", "gold", "paid20", "paid5", "phq9", "t1d_diary", "who5"];

    [Test]
    public void AllShippedDefinitionsLoad()
    {
        Assert.That(Catalog.All.Select(d => d.Id).Distinct(), Is.EquivalentTo(Ids));
        Assert.That(Catalog.All.Where(d => d.Id == "t1d_diary").Select(d => d.Version), Is.EqualTo(new[] { "1.0.0", "2.0.0", "2.1.0" }));
        Assert.That(Catalog.All.Select(d => d.Source), Has.All.StartWith("definitions/").And.All.EndWith(".json"));
    }

    [Test]
    public void LoadEmbeddedIsCached() => Assert.That(InstrumentCatalog.LoadEmbedded(), Is.SameAs(Catalog));

    [TestCaseSource(nameof(Ids))]
    public void EveryTextExistsInEnglish(string id)
    {
        var d = Catalog.Find(id)!;
        Assert.Multiple(() =>
        {
            Assert.That(d.Languages, Does.Contain("en"));
            Assert.That(d.Title.En, Is.Not.Empty);
            Assert.That(d.Licence, Is.Not.Empty);
            Assert.That(d.Citation, Is.Not.Empty);
            Assert.That(d.Instructions?.En, Is.Not.Null.And.Not.Empty);
            if (d.RecallPeriod is not null) Assert.That(d.RecallPeriod.Text.En, Is.Not.Empty);
            foreach (var item in d.Items)
            {
                Assert.That(item.Text.En, Is.Not.Empty, $"{id} item {item.Id}");
                foreach (var o in item.Options) Assert.That(o.Label.En, Is.Not.Empty, $"{id} item {item.Id} option {o.Value}");
            }
        });
    }

    [TestCaseSource(nameof(Ids))]
    public void EveryTextExistsInEveryDeclaredLanguage(string id)
    {
        var d = Catalog.Find(id)!;
        foreach (var lang in d.Languages)
        {
            Assert.That(d.Items.All(i => i.Text.ContainsKey(lang) && i.Options.All(o => o.Label.ContainsKey(lang))), Is.True, lang);
        }
    }

    [Test]
    public void ShapesMatchTheManuals()
    {
        Assert.Multiple(() =>
        {
            AssertShape("phq9", scored: 9, min: 0, max: 27, maxMissing: 2);
            AssertShape("gad7", scored: 7, min: 0, max: 21, maxMissing: 1);
            AssertShape("who5", scored: 5, min: 0, max: 100, maxMissing: 0);
            AssertShape("paid20", scored: 20, min: 0, max: 100, maxMissing: 2);
            AssertShape("paid5", scored: 5, min: 0, max: 20, maxMissing: 0);
            AssertShape("gold", scored: 1, min: 1, max: 7, maxMissing: 0);
        });
    }

    private static void AssertShape(string id, int scored, decimal min, decimal max, int maxMissing)
    {
        var s = Catalog.Find(id)!.Scoring;
        Assert.That(s.Items, Has.Count.EqualTo(scored), id);
        Assert.That(s.TotalMin, Is.EqualTo(min), id);
        Assert.That(s.TotalMax, Is.EqualTo(max), id);
        Assert.That(s.Missing.MaxMissing, Is.EqualTo(maxMissing), id);
    }

    [Test]
    public void Phq9MetadataAndLoinc()
    {
        var d = Catalog.Find("phq9")!;
        Assert.Multiple(() =>
        {
            Assert.That(d.Loinc, Is.EqualTo("44249-1"));
            Assert.That(d.Scoring.Loinc, Is.EqualTo("44261-6"));
            Assert.That(d.Items, Has.Count.EqualTo(10));
            Assert.That(d.FindItem("10")!.Scored, Is.False);
            Assert.That(d.FindItem("10")!.Required, Is.False);
            Assert.That(d.FindItem("9")!.Critical, Is.True);
            Assert.That(d.FindItem("9")!.Loinc, Is.EqualTo("44260-8"));
            Assert.That(d.Items.Take(9).All(i => i.Options.Count == 4 && i.Min == 0 && i.Max == 3), Is.True);
            Assert.That(d.RecallPeriod!.Days, Is.EqualTo(14));
            Assert.That(d.Scoring.Mcid, Is.EqualTo(5m));
            Assert.That(d.Scoring.Direction, Is.EqualTo(ScoreDirection.HigherIsWorse));
        });
    }

    [Test]
    public void Gad7Loinc()
    {
        var d = Catalog.Find("gad7")!;
        Assert.That(d.Loinc, Is.EqualTo("69737-5"));
        Assert.That(d.Scoring.Loinc, Is.EqualTo("70274-6"));
    }

    [Test]
    public void Who5RecordsWhoNonCommercialLicence()
    {
        var d = Catalog.Find("who5")!;
        Assert.That(d.Licence, Does.Contain("World Health Organization").And.Contain("Non-commercial"));
        Assert.That(d.Scoring.Direction, Is.EqualTo(ScoreDirection.HigherIsBetter));
        Assert.That(d.Scoring.Multiplier, Is.EqualTo(4m));
    }

    [TestCase("1.0.0")]
    [TestCase("2.0.0")]
    [TestCase("2.1.0")]
    public void DiarySaysItIsNotAValidatedScale(string version)
    {
        var d = Catalog.Find("t1d_diary", version)!;
        Assert.Multiple(() =>
        {
            Assert.That(d.Notes, Does.Contain("not a validated scale"));
            Assert.That(d.Scoring.Method, Is.EqualTo(ScoringMethod.None));
            Assert.That(d.Scoring.Bands, Is.Empty);
        });
    }

    [Test]
    public void Diary_1_0_0_is_kept_unchanged_for_the_answers_collected_with_it()
    {
        var d = Catalog.Find("t1d_diary", "1.0.0")!;
        Assert.Multiple(() =>
        {
            Assert.That(d.RecallPeriod!.Days, Is.EqualTo(7));
            Assert.That(d.Items, Has.Count.EqualTo(13));
            Assert.That(d.Items.Take(12).All(i => i.Required), Is.True);
            Assert.That(d.FindItem("13")!.Required, Is.False);
            Assert.That(d.FindItem("13")!.Decimals, Is.EqualTo(1));
            Assert.That(d.FindItem("13")!.Max, Is.EqualTo(300m));
            Assert.That(d.FindItem("11")!.Max, Is.EqualTo(99m));
        });
    }

    [Test]
    public void AlertingParametersAreTyped()
    {
        var phq9 = Catalog.Find("phq9")!.Alerting;
        var gad7 = Catalog.Find("gad7")!.Alerting;
        var who5 = Catalog.Find("who5")!.Alerting;
        var paid20 = Catalog.Find("paid20")!.Alerting;
        var gold = Catalog.Find("gold")!.Alerting;
        var paid5 = Catalog.Find("paid5")!.Alerting;
        var diary = Catalog.Find("t1d_diary", "1.0.0")!.Alerting;
        Assert.Multiple(() =>
        {
            Assert.That(phq9.Severe, Is.EqualTo(new SevereRule(new Threshold(ComparisonOperator.Ge, 20), phq9.Severe!.Bands)));
            Assert.That(phq9.Severe!.Bands, Is.EqualTo(new[] { "severe" }));
            Assert.That(phq9.Relevant, Is.EqualTo(new Threshold(ComparisonOperator.Ge, 10)));
            Assert.That(phq9.WorseThanBaseline, Is.EqualTo(new WorseningRule(5)));
            Assert.That(phq9.Flags, Is.EqualTo(new[] { "self_harm_risk" }));

            Assert.That(gad7.Severe!.Total, Is.EqualTo(new Threshold(ComparisonOperator.Ge, 15)));
            Assert.That(gad7.Relevant, Is.EqualTo(new Threshold(ComparisonOperator.Ge, 10)));
            Assert.That(gad7.WorseThanBaseline!.TotalChange, Is.EqualTo(4m));

            Assert.That(who5.Severe!.Total, Is.EqualTo(new Threshold(ComparisonOperator.Le, 28)));
            Assert.That(who5.Relevant, Is.EqualTo(new Threshold(ComparisonOperator.Lt, 50)));
            Assert.That(who5.WorseThanBaseline!.TotalChange, Is.EqualTo(-10m));
            Assert.That(who5.WorseThanBaseline.IsWorse(60, 50), Is.True);
            Assert.That(who5.WorseThanBaseline.IsWorse(60, 52), Is.False);

            Assert.That(paid20.Severe!.Total, Is.EqualTo(new Threshold(ComparisonOperator.Ge, 40)));
            Assert.That(paid20.Relevant, Is.EqualTo(new Threshold(ComparisonOperator.Ge, 17)));
            Assert.That(paid20.WorseThanBaseline!.TotalChange, Is.EqualTo(10m));

            Assert.That(gold.Severe!.Total, Is.EqualTo(new Threshold(ComparisonOperator.Ge, 4)));
            Assert.That(gold.Severe.Bands, Is.EqualTo(new[] { "impaired" }));

            Assert.That(diary.Items, Has.Count.EqualTo(1));
            Assert.That(diary.Items[0].Items, Is.EqualTo(Enumerable.Range(1, 9).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            Assert.That(diary.Items[0].Severe, Is.EqualTo(new Threshold(ComparisonOperator.Ge, 3)));
            Assert.That(diary.Items[0].WorseThanBaseline, Is.EqualTo(new ItemWorseningRule(2, 2)));
            Assert.That(diary.Items[0].WorseThanBaseline!.IsWorse(0, 2), Is.True);
            Assert.That(diary.Items[0].WorseThanBaseline!.IsWorse(1, 2), Is.False);
            Assert.That(diary.Flags, Is.EquivalentTo(new[] { "dka_warning", "severe_hypo", "fever" }));

            Assert.That(paid5.Severe, Is.EqualTo(new SevereRule(new Threshold(ComparisonOperator.Ge, 8), paid5.Severe!.Bands)));
            Assert.That(paid5.Severe!.Bands, Is.EqualTo(new[] { "possible_distress" }));
        });
    }

    [Test]
    public void Every_critical_item_of_every_shipped_definition_is_required_so_no_route_accepts_a_form_without_it()
    {
        var critical = Catalog.All.SelectMany(d => d.Items.Where(i => i.Critical).Select(i => (d, i))).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(critical.Select(x => $"{x.d.Id}@{x.d.Version}/{x.i.Id}"), Does.Contain("phq9@1.0.0/9").And.Contain("t1d_diary@2.0.0/14").And.Contain("t1d_diary@2.0.0/18"));
            Assert.That(critical.Where(x => !x.i.Required).Select(x => $"{x.d.Id}/{x.i.Id}"), Is.Empty);
            Assert.That(critical.Where(x => x.i.Options.Count == 0).Select(x => $"{x.d.Id}/{x.i.Id}"), Is.Empty,
                "only questions a patient can always answer (a choice) are critical; optional readings are not");
        });
    }

    [Test]
    public void The_daily_diary_asks_about_the_past_24_hours_and_the_weekly_one_about_7_days_with_the_same_questions()
    {
        var daily = Catalog.Find("t1d_diary", "2.0.0")!;
        var weekly = Catalog.Find("t1d_diary", "2.1.0")!;
        Assert.Multiple(() =>
        {
            Assert.That(daily.RecallPeriod!.Days, Is.EqualTo(1));
            Assert.That(daily.RecallPeriod.Text.En, Is.EqualTo("In the past 24 hours"));
            Assert.That(daily.Instructions!.En, Does.Contain("past 24 hours").And.Not.Contain("7 days"));
            Assert.That(weekly.RecallPeriod!.Days, Is.EqualTo(7));
            Assert.That(weekly.RecallPeriod.Text.En, Is.EqualTo("In the past 7 days"));
            Assert.That(weekly.Instructions!.En, Does.Contain("past 7 days").And.Not.Contain("24 hours"));
            Assert.That(daily.Items.Concat(weekly.Items).Select(i => i.Text.En), Has.None.Contain("7 days").And.None.Contain("24 hours").And.None.Contain("per day"),
                "the questions leave the period to the recall");
            Assert.That(weekly.Items.Select(i => (i.Id, i.Text.En, i.Critical, i.Required)), Is.EqualTo(daily.Items.Select(i => (i.Id, i.Text.En, i.Critical, i.Required))));
            Assert.That(weekly.Scoring.Flags.Select(f => f.Name), Is.EqualTo(daily.Scoring.Flags.Select(f => f.Name)));
            Assert.That(weekly.Alerting.Flags, Is.EqualTo(daily.Alerting.Flags));
            Assert.That(weekly.Alerting.HighFlags, Is.EqualTo(daily.Alerting.HighFlags));
        });
    }

    [Test]
    public void FindReturnsNullForUnknownInstrumentOrVersion()
    {
        Assert.That(Catalog.Find("nope"), Is.Null);
        Assert.That(Catalog.Find("phq9", "9.9.9"), Is.Null);
        Assert.That(Catalog.Find("phq9", "1.0.0"), Is.Not.Null);
        Assert.That(Catalog.Find("phq9", "1.0"), Is.Not.Null);
    }
}
