using System.Text.Json.Nodes;
using Surveys.Instruments;
using static Surveys.Instruments.Tests.TestSupport;

namespace Surveys.Instruments.Tests;

/// <summary>Broken definitions written to a temp folder must stop loading with a message naming the file and the fault.</summary>
public class BrokenDefinitionTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "surveys-defs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static JsonNode Phq9() => JsonNode.Parse(ShippedJson("phq9.json"))!;

    private static JsonNode Paid20() => JsonNode.Parse(ShippedJson("paid20.json"))!;

    private string Write(string file, string json)
    {
        var path = Path.Combine(_dir, file);
        File.WriteAllText(path, json);
        return path;
    }

    private InstrumentDefinitionException LoadFails(JsonNode def, string file = "broken.json") => LoadFails(def.ToJsonString(), file);

    private InstrumentDefinitionException LoadFails(string json, string file = "broken.json")
    {
        Write(file, json);
        var ex = Assert.Throws<InstrumentDefinitionException>(() => InstrumentCatalog.LoadFromDirectory(_dir))!;
        Assert.That(ex.Message, Does.StartWith(Path.Combine(_dir, file) + ": "));
        Assert.That(ex.Source, Is.EqualTo(Path.Combine(_dir, file)));
        return ex;
    }

    [Test]
    public void ShippedFilesCopiedToAFolderLoad()
    {
        foreach (var f in new[] { "phq9.json", "gad7.json", "who5.json", "paid20.json", "paid5.json", "gold.json", "t1d_diary.json", "t1d_diary_2.0.0.json", "t1d_diary_2.1.0.json" })
        {
            Write(f, ShippedJson(f));
        }

        var catalog = InstrumentCatalog.LoadFromDirectory(_dir);
        Assert.That(catalog.All, Has.Count.EqualTo(9));
    }

    [Test]
    public void NotJson() => Assert.That(LoadFails("{ \"id\": ").Fault, Does.StartWith("invalid JSON"));

    [Test]
    public void UnknownPropertyIsRejected()
    {
        var d = Phq9();
        d["scoring"]!["maxMising"] = 3;
        Assert.That(LoadFails(d).Fault, Does.Contain("maxMising"));
    }

    [Test]
    public void MissingId()
    {
        var d = Phq9();
        d.AsObject().Remove("id");
        Assert.That(LoadFails(d).Fault, Is.EqualTo("'id' is required"));
    }

    [Test]
    public void MissingLicence()
    {
        var d = Phq9();
        d["licence"] = "";
        Assert.That(LoadFails(d).Fault, Does.Contain("licence"));
    }

    [Test]
    public void BadVersion()
    {
        var d = Phq9();
        d["version"] = "one";
        Assert.That(LoadFails(d).Fault, Does.Contain("version 'one'"));
    }

    [Test]
    public void DuplicateItemId()
    {
        var d = Phq9();
        d["items"]![1]!["id"] = "1";
        Assert.That(LoadFails(d).Fault, Is.EqualTo("item id '1' is used twice"));
    }

    [Test]
    public void ItemOptionValuesMustBeDistinct()
    {
        var d = Phq9();
        var item = d["items"]![2]!.AsObject();
        item.Remove("optionSet");
        item["options"] = JsonNode.Parse("""[{"value":0,"label":{"en":"a"}},{"value":0,"label":{"en":"b"}}]""");
        var ex = LoadFails(d, "phq9.json");
        Assert.That(ex.Message, Is.EqualTo(Path.Combine(_dir, "phq9.json") + ": item '3' option values must be distinct"));
    }

    [Test]
    public void OptionValueOutsideMinMax()
    {
        var d = Phq9();
        d["items"]![0]!["max"] = 2;
        Assert.That(LoadFails(d).Fault, Does.Contain("item '1' option value 3 is outside its min/max"));
    }

    [Test]
    public void OptionWithoutEnglishLabel()
    {
        var d = Phq9();
        d["optionSets"]!["frequency"]![1]!["label"] = JsonNode.Parse("""{"de":"An einzelnen Tagen"}""");
        Assert.That(LoadFails(d).Fault, Does.Contain("has no 'en' text"));
    }

    [Test]
    public void ItemWithoutEnglishText()
    {
        var d = Phq9();
        d["items"]![4]!["text"] = JsonNode.Parse("{}");
        Assert.That(LoadFails(d).Fault, Is.EqualTo("item '5' text has no 'en' text"));
    }

    [Test]
    public void TranslationMustBeDeclared()
    {
        var d = Phq9();
        d["title"]!["de"] = "Gesundheitsfragebogen";
        Assert.That(LoadFails(d).Fault, Does.Contain("'de' is not listed in 'languages'"));
    }

    [Test]
    public void DeclaredLanguageMustBeComplete()
    {
        var d = Phq9();
        d["languages"] = JsonNode.Parse("""["en","de"]""");
        d["title"]!["de"] = "Gesundheitsfragebogen";
        Assert.That(LoadFails(d).Fault, Does.Contain("has no 'de' text"));
    }

    [Test]
    public void UnknownOptionSet()
    {
        var d = Phq9();
        d["items"]![0]!["optionSet"] = "freq";
        Assert.That(LoadFails(d).Fault, Does.Contain("unknown option set 'freq'"));
    }

    [Test]
    public void ScoringItemMustExist()
    {
        var d = Phq9();
        d["scoring"]!["items"]![8] = "99";
        Assert.That(LoadFails(d).Fault, Does.Contain("unknown item '99'"));
    }

    [Test]
    public void BandGap()
    {
        var d = Phq9();
        d["scoring"]!["bands"]![1]!["min"] = 6;
        Assert.That(LoadFails(d).Fault, Does.Contain("leave a gap"));
    }

    [Test]
    public void BandOverlap()
    {
        var d = Phq9();
        d["scoring"]!["bands"]![1]!["min"] = 4;
        Assert.That(LoadFails(d).Fault, Does.Contain("overlap"));
    }

    [Test]
    public void BandsMustCoverTheTop()
    {
        var d = Phq9();
        d["scoring"]!["bands"]![4]!["max"] = 26;
        Assert.That(LoadFails(d).Fault, Does.Contain("highest possible total 27"));
    }

    [Test]
    public void BandsMustStartAtTheBottom()
    {
        var d = Phq9();
        d["scoring"]!["bands"]![0]!["min"] = 1;
        Assert.That(LoadFails(d).Fault, Does.Contain("lowest possible total 0"));
    }

    [Test]
    public void DecimalBandsMustMeetAtThePrecision()
    {
        var d = Paid20();
        d["scoring"]!["bands"]![0]!["max"] = 16.9;
        Assert.That(LoadFails(d).Fault, Does.Contain("'moderate' must start at 16.91"));
    }

    [Test]
    public void BandBoundsFinerThanPrecision()
    {
        var d = Phq9();
        d["scoring"]!["bands"]![0]!["max"] = 4.5;
        Assert.That(LoadFails(d).Fault, Does.Contain("at most 0 decimal places"));
    }

    [Test]
    public void MultiplierNeedsEnoughPrecision()
    {
        var d = Paid20();
        d["scoring"]!["precision"] = 1;
        Assert.That(LoadFails(d).Fault, Does.Contain("multiplier 1.25"));
    }

    [Test]
    public void MaxMissingTooLarge()
    {
        var d = Phq9();
        d["scoring"]!["missing"]!["maxMissing"] = 9;
        Assert.That(LoadFails(d).Fault, Does.Contain("maxMissing must be between 0 and 8"));
    }

    [Test]
    public void UnsupportedRounding()
    {
        var d = Phq9();
        d["scoring"]!["missing"]!["rounding"] = "banker";
        Assert.That(LoadFails(d).Fault, Does.Contain("rounding 'banker'"));
    }

    [Test]
    public void FlagRuleMustReferToExistingItem()
    {
        var d = Phq9();
        d["scoring"]!["flags"]![0]!["when"]![0]!["items"]![0] = "19";
        Assert.That(LoadFails(d).Fault, Is.EqualTo("flag 'self_harm_risk' refers to unknown item '19'"));
    }

    [Test]
    public void FlagRuleThatCanNeverFire()
    {
        var d = Phq9();
        d["scoring"]!["flags"]![0]!["when"]![0]!["value"] = 4;
        Assert.That(LoadFails(d).Fault, Does.Contain("can never be met"));
    }

    [Test]
    public void A_definition_whose_critical_item_is_optional_does_not_load()
    {
        var d = JsonNode.Parse(ShippedJson("t1d_diary_2.0.0.json"))!;
        d["items"]![13]!["required"] = false;
        Assert.That(LoadFails(d).Fault, Is.EqualTo(
            "item '14' is a critical item (scoring.criticalItems), so it must be required: no route may accept a form without it"));
    }

    [Test]
    public void FlagRequirementMustReferToExistingItem()
    {
        var d = Phq9();
        d["scoring"]!["flags"]![0]!["when"]![0]!["and"] = JsonNode.Parse("""[ { "item": "19", "operator": "eq", "value": 1 } ]""");
        Assert.That(LoadFails(d).Fault, Is.EqualTo("flag 'self_harm_risk' 'and' refers to unknown item '19'"));
    }

    [Test]
    public void FlagRequirementThatCanNeverHold()
    {
        var d = Phq9();
        d["scoring"]!["flags"]![0]!["when"]![0]!["and"] = JsonNode.Parse("""[ { "item": "1", "operator": "gt", "value": 3 } ]""");
        Assert.That(LoadFails(d).Fault, Is.EqualTo("flag 'self_harm_risk' requirement item '1' > 3 can never be met by the answers it allows"));
    }

    [Test]
    public void FlagRequirementNeedsAnOperator()
    {
        var d = Phq9();
        d["scoring"]!["flags"]![0]!["when"]![0]!["and"] = JsonNode.Parse("""[ { "item": "1", "value": 3 } ]""");
        Assert.That(LoadFails(d).Fault, Does.Contain("'and' on item '1' needs an 'operator'"));
    }

    [Test]
    public void FlagRuleBadOperator()
    {
        var d = Phq9();
        d["scoring"]!["flags"]![0]!["when"]![0]!["operator"] = ">=";
        Assert.That(LoadFails(d).Fault, Does.Contain("operator '>='"));
    }

    [Test]
    public void ScoredItemMustBeInteger()
    {
        var d = Phq9();
        d["items"]![0]!["decimals"] = 1;
        Assert.That(LoadFails(d).Fault, Does.Contain("item '1' is scored"));
    }

    [Test]
    public void ScoredItemCannotBeMarkedUnscored()
    {
        var d = Phq9();
        d["items"]![0]!["scored"] = false;
        Assert.That(LoadFails(d).Fault, Does.Contain("marked not scored"));
    }

    [Test]
    public void AlertingUnknownBand()
    {
        var d = Phq9();
        d["alerting"]!["severe"]!["bands"]![0] = "very_severe";
        Assert.That(LoadFails(d).Fault, Does.Contain("unknown band 'very_severe'"));
    }

    [Test]
    public void AlertingBandOutsideThreshold()
    {
        var d = Phq9();
        d["alerting"]!["severe"]!["value"] = 21;
        Assert.That(LoadFails(d).Fault, Does.Contain("is not wholly within >= 21"));
    }

    [Test]
    public void AlertingUnknownFlag()
    {
        var d = Phq9();
        d["alerting"]!["flags"]![0] = "suicide";
        Assert.That(LoadFails(d).Fault, Does.Contain("unknown flag 'suicide'"));
    }

    [Test]
    public void AlertingWorseningSignMustFollowDirection()
    {
        var d = Phq9();
        d["alerting"]!["worseThanBaseline"]!["totalChange"] = -5;
        Assert.That(LoadFails(d).Fault, Does.Contain("must be positive when higher is worse"));
    }

    [Test]
    public void AlertingWorseningMustMatchMcid()
    {
        var d = Phq9();
        d["alerting"]!["worseThanBaseline"]!["totalChange"] = 4;
        Assert.That(LoadFails(d).Fault, Does.Contain("does not match scoring.mcid 5"));
    }

    [Test]
    public void SameIdAndVersionTwice()
    {
        Write("a.json", ShippedJson("phq9.json"));
        var ex = LoadFails(ShippedJson("phq9.json"), "b.json");
        Assert.That(ex.Fault, Does.Contain("also defined in"));
    }

    [Test]
    public void MissingFolder()
    {
        var ex = Assert.Throws<InstrumentDefinitionException>(() => InstrumentCatalog.LoadFromDirectory(Path.Combine(_dir, "nope")));
        Assert.That(ex!.Message, Does.Contain("does not exist"));
    }

    [Test]
    public void NewInstrumentNeedsOnlyAJsonFile()
    {
        // A made-up 3-item instrument with proration to 1 decimal, a subscore and a flag: no code involved.
        Write("toy.json", """
            {
              "id": "toy3", "version": "2.1.0", "title": { "en": "Toy" }, "licence": "test only", "citation": "none",
              "optionSets": { "s": [ { "value": 0, "label": { "en": "no" } }, { "value": 1, "label": { "en": "some" } }, { "value": 2, "label": { "en": "lots" } } ] },
              "items": [
                { "id": "a", "optionSet": "s", "text": { "en": "A" } },
                { "id": "b", "optionSet": "s", "text": { "en": "B" } },
                { "id": "c", "optionSet": "s", "text": { "en": "C" } }
              ],
              "scoring": {
                "method": "sum", "items": [ "a", "b", "c" ], "multiplier": 1.5, "precision": 1,
                "missing": { "maxMissing": 1 },
                "bands": [ { "name": "lo", "min": 0, "max": 4.4 }, { "name": "hi", "min": 4.5, "max": 9 } ],
                "direction": "higher_is_worse",
                "subscores": [ { "id": "ab", "items": [ "a", "b" ] } ],
                "flags": [ { "name": "c_high", "when": [ { "items": [ "c" ], "operator": "eq", "value": 2 } ] } ]
              }
            }
            """);
        Write("toy_old.json", ShippedJson("gold.json").Replace("\"gold\"", "\"toy3\"", StringComparison.Ordinal));
        var catalog = InstrumentCatalog.LoadFromDirectory(_dir);
        Assert.That(catalog.Find("toy3")!.Version, Is.EqualTo("2.1.0"), "null version = highest");
        Assert.That(catalog.Find("toy3", "1.0.0")!.Items, Has.Count.EqualTo(1));

        var engine = new ScoringEngine(catalog);
        var r = engine.Score("toy3", new Dictionary<string, decimal?> { ["a"] = 1, ["c"] = 2 });
        Assert.Multiple(() =>
        {
            // (1 + 2) × 1.5 × 3 / 2 = 6.75 → 6.8 (half up to 1 decimal)
            Assert.That(r.Total, Is.EqualTo(6.8m));
            Assert.That(r.Band, Is.EqualTo("hi"));
            Assert.That(r.Prorated, Is.True);
            Assert.That(r.Flags, Is.EqualTo(new[] { "c_high" }));
            Assert.That(r.Subscores, Is.Empty);
        });
        Assert.That(engine.Score("toy3", new Dictionary<string, decimal?> { ["a"] = 1, ["b"] = 1, ["c"] = 0 }).Total, Is.EqualTo(3m));
        Assert.That(engine.Score("toy3", new Dictionary<string, decimal?> { ["a"] = 1, ["b"] = 1, ["c"] = 0 }, "1.0.0").Status, Is.EqualTo(ScoreStatus.Invalid));
    }
}
