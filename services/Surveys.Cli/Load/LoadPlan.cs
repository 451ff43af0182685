using System.Globalization;

namespace Surveys.Cli.Load;

/// <summary>What the load run does: how many forms, how fast, and which of them are made to raise an alert.</summary>
/// <param name="IntakeUrls">Intake instances; forms are spread over them in turn.</param>
/// <param name="HttpFloor">How long to measure the HTTP floor (<see cref="Load.HttpFloor"/>); zero skips it.</param>
public sealed record LoadSettings(
    IReadOnlyList<Uri> IntakeUrls,
    string DataDirectory,
    int Count,
    int Warmup,
    double Rate,
    int Concurrency,
    double AlertShare,
    bool MeasureCeiling,
    TimeSpan DrainTimeout,
    TimeSpan HttpFloor = default);

/// <summary>One form the run will submit: its invitation token, instrument, answers and whether it must raise an alert.</summary>
public sealed record PlannedForm(int Index, int PatientIndex, string Instrument, IReadOnlyDictionary<string, decimal?> Answers, string? ExpectedRule)
{
    public string Token { get; set; } = "";

    public Guid PatientId { get; set; }
}

/// <summary>
/// The realistic mix: every patient answers PHQ-9, GAD-7, WHO-5, PAID-20 and the diary once, so no answer is
/// ever compared with an earlier one and the expected alerts are known exactly: a PHQ-9 with item 9 above 0
/// (critical_item) or a diary with a low needing help (critical_item), all other answers calm.
/// </summary>
public static class LoadPlan
{
    public static readonly string[] Instruments = ["phq9", "gad7", "who5", "paid20", "t1d_diary"];

    /// <summary>The largest share of forms that can be made to alert: PHQ-9 and the diary are two fifths of the mix.</summary>
    public const double MaxAlertShare = 0.4;

    public static IReadOnlyList<PlannedForm> Create(int count, double alertShare)
    {
        var alertingShareOfEligible = Math.Clamp(alertShare / MaxAlertShare, 0, 1);
        var forms = new List<PlannedForm>(count);
        for (var i = 0; i < count; i++)
        {
            var patient = i / Instruments.Length;
            var instrument = Instruments[i % Instruments.Length];

            // A low-discrepancy sequence spreads the alerting forms evenly through the run.
            var alerts = instrument is "phq9" or "t1d_diary" && Fraction(patient) < alertingShareOfEligible;
            forms.Add(new PlannedForm(i, patient, instrument, Answers(instrument, alerts), alerts ? "critical_item" : null));
        }

        return forms;
    }

    private static double Fraction(int n) => (n * 0.6180339887498949) % 1.0;

    private static Dictionary<string, decimal?> Answers(string instrument, bool alert) => instrument switch
    {
        // PHQ-9: nothing troubles the patient, except item 9 (thoughts of self-harm) in an alerting form.
        "phq9" => Items(1, 9, 0, ("9", alert ? 1 : 0), ("10", 0)),
        "gad7" => Items(1, 7, 0),
        // WHO-5: "all of the time" on every item, 100 on the percentage scale: no low-wellbeing alert.
        "who5" => Items(1, 5, 5),
        "paid20" => Items(1, 20, 0),
        // Diary (2.0.0): no symptoms, no fever, no lows, glucose meter in mmol/L, no hospital visit, readings left
        // blank, except a low that needed help in an alerting form.
        "t1d_diary" => Items(1, 11, 0, ("12", alert ? 1 : 0), ("13", 42.5m), ("14", 0), ("15", 1), ("18", 0)),
        _ => throw new ArgumentOutOfRangeException(nameof(instrument), instrument, "not in the load mix"),
    };

    private static Dictionary<string, decimal?> Items(int first, int last, decimal value, params (string Item, decimal Value)[] overrides)
    {
        var answers = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        for (var item = first; item <= last; item++)
        {
            answers[item.ToString(CultureInfo.InvariantCulture)] = value;
        }

        foreach (var (item, overridden) in overrides)
        {
            answers[item] = overridden;
        }

        return answers;
    }
}
