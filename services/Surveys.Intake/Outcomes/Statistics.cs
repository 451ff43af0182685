namespace Surveys.Intake.Outcomes;

/// <summary>
/// Descriptive statistics for the outcomes report: mean, sample standard deviation (n − 1) and the two-sided 95%
/// confidence interval of a mean from Student's t distribution with n − 1 degrees of freedom.
/// </summary>
public static class Statistics
{
    public sealed record MeanSummary(int N, double Mean, double? Sd, double? CiLow, double? CiHigh);

    /// <summary>Null for no values; SD and CI need at least two.</summary>
    public static MeanSummary? Summarise(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return null;
        }

        var n = values.Count;
        var mean = values.Sum() / n;
        if (n < 2)
        {
            return new MeanSummary(n, mean, null, null, null);
        }

        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        var half = TQuantile(0.975, n - 1) * sd / Math.Sqrt(n);
        return new MeanSummary(n, mean, sd, mean - half, mean + half);
    }

    /// <summary>The p-quantile of Student's t distribution with <paramref name="df"/> degrees of freedom (0.5 &lt; p &lt; 1).</summary>
    public static double TQuantile(double p, double df)
    {
        if (p is <= 0.5 or >= 1 || df <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(p), "Give 0.5 < p < 1 and df > 0.");
        }

        double low = 0, high = 1;
        while (TCdf(high, df) < p)
        {
            high *= 2;
        }

        for (var i = 0; i < 200 && high - low > 1e-13 * high; i++)
        {
            var mid = (low + high) / 2;
            if (TCdf(mid, df) < p)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return (low + high) / 2;
    }

    /// <summary>P(T ≤ t) for t ≥ 0: 1 − ½·I_{ν/(ν+t²)}(ν/2, ½).</summary>
    public static double TCdf(double t, double df) => 1 - (0.5 * RegularizedBeta(df / (df + (t * t)), df / 2, 0.5));

    /// <summary>The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz's method).</summary>
    public static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x)));
        return x < (a + 1) / (a + b + 2)
            ? front * BetaFraction(x, a, b) / a
            : 1 - (front * BetaFraction(1 - x, b, a) / b);
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double Tiny = 1e-300;
        double c = 1, d = 1 - ((a + b) * x / (a + 1));
        d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
        var result = d;
        for (var m = 1; m <= 1000; m++)
        {
            var m2 = 2 * m;
            var even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + (even * d);
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = 1 + (even / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            result *= d * c;
            var odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + (odd * d);
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = 1 + (odd / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            var step = d * c;
            result *= step;
            if (Math.Abs(step - 1) < 1e-15)
            {
                break;
            }
        }

        return result;
    }

    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
