namespace Notebooks.ML.Drift;

/// <summary>
/// The Jensen–Shannon distance (natural log) between the two distributions binned as Evidently bins them
/// (<c>jensen-shannon</c>, Evidently's <c>jensenshannon</c> over <c>scipy.spatial.distance.jensenshannon</c>):
/// Sturges bins over both sides for numeric columns with more than 20 distinct reference values, else each
/// value's share. Numeric and categorical columns; drift when ≥ 0.1.
/// </summary>
internal sealed class JensenShannonTest : DriftTest
{
    public override string Name => "jensen-shannon";

    public override string Title => "Jensen–Shannon distance";

    public override double DefaultThreshold => 0.1;

    public override bool GivesPValue => false;

    public override string AppliesToText => "numeric and categorical columns";

    public override bool AppliesTo(ColumnPair pair) => true;

    public override TestOutcome Run(ColumnPair pair)
    {
        var (reference, current) = Binned.Percents(pair, fillZeroes: false);
        return new TestOutcome(Distance(reference, current), null);
    }

    /// <summary><c>scipy.spatial.distance.jensenshannon(p, q)</c>: both normalised to sum 1, √(½ KL(p‖m) + ½ KL(q‖m)).</summary>
    internal static double Distance(double[] p, double[] q)
    {
        double pSum = p.Sum(), qSum = q.Sum();
        double left = 0, right = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var pi = p[i] / pSum;
            var qi = q[i] / qSum;
            var m = (pi + qi) / 2.0;
            left += RelativeEntropy(pi, m);
            right += RelativeEntropy(qi, m);
        }

        return Math.Sqrt((left + right) / 2.0);
    }

    /// <summary><c>scipy.special.rel_entr</c>: x·log(x/y), 0 when x = 0.</summary>
    private static double RelativeEntropy(double x, double y) =>
        x > 0 && y > 0 ? x * Math.Log(x / y) : x == 0 && y >= 0 ? 0 : double.PositiveInfinity;
}
