namespace Notebooks.ML.Drift;

/// <summary>
/// The first Wasserstein distance (earth mover's distance) between the two samples divided by the reference's
/// standard deviation (population, floored at 0.001) (<c>wasserstein</c>, Evidently's <c>wasserstein_distance_norm</c>
/// over <c>scipy.stats.wasserstein_distance</c>). Numeric columns; drift when ≥ 0.1.
/// </summary>
internal sealed class WassersteinTest : DriftTest
{
    public override string Name => "wasserstein";

    public override string Title => "Wasserstein distance (normed)";

    public override double DefaultThreshold => 0.1;

    public override bool GivesPValue => false;

    public override string AppliesToText => "numeric columns";

    public override bool AppliesTo(ColumnPair pair) => pair.Kind == DriftColumnKind.Numeric;

    public override TestOutcome Run(ColumnPair pair)
    {
        var norm = Math.Max(StandardDeviation(pair.Reference.Sorted), 0.001);
        return new TestOutcome(Distance(pair.Reference.Sorted, pair.Current.Sorted) / norm, null);
    }

    /// <summary>
    /// <c>scipy.stats.wasserstein_distance(u, v)</c> of two sorted samples: the area between their empirical CDFs,
    /// Σ |F_u(x) − F_v(x)| · (next x − x) over the merged values (compensated sum).
    /// </summary>
    internal static double Distance(double[] u, double[] v)
    {
        double nu = u.Length, nv = v.Length;
        int i = 0, j = 0;
        var sum = new CompensatedSum();
        while (i < u.Length || j < v.Length)
        {
            var value = j >= v.Length || (i < u.Length && u[i] <= v[j]) ? u[i] : v[j];
            while (i < u.Length && u[i] <= value)
            {
                i++;
            }

            while (j < v.Length && v[j] <= value)
            {
                j++;
            }

            if (i < u.Length || j < v.Length)
            {
                var next = j >= v.Length || (i < u.Length && u[i] <= v[j]) ? u[i] : v[j];
                sum.Add(Math.Abs((i / nu) - (j / nv)) * (next - value));
            }
        }

        return sum.Value;
    }

    /// <summary><c>np.std</c>: the population standard deviation (ddof 0), two passes.</summary>
    internal static double StandardDeviation(double[] values)
    {
        var total = new CompensatedSum();
        foreach (var value in values)
        {
            total.Add(value);
        }

        var mean = total.Value / values.Length;
        var squares = new CompensatedSum();
        foreach (var value in values)
        {
            var d = value - mean;
            squares.Add(d * d);
        }

        return Math.Sqrt(squares.Value / values.Length);
    }
}

/// <summary>Neumaier's compensated summation: sums of a million terms keep their last digits.</summary>
internal struct CompensatedSum
{
    private double _sum;
    private double _compensation;

    public readonly double Value => _sum + _compensation;

    public void Add(double value)
    {
        var t = _sum + value;
        _compensation += Math.Abs(_sum) >= Math.Abs(value) ? (_sum - t) + value : (value - t) + _sum;
        _sum = t;
    }
}
