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
        int i = 0, j = 0, total = u.Length + v.Length;
        var sum = new CompensatedSum();

        // One step per value of the merged order, as scipy sums |u_cdf − v_cdf| · diff(all_values): ties add zero.
        var value = u[0] <= v[0] ? u[i++] : v[j++];
        for (var k = 1; k < total; k++)
        {
            // i and j count the values up to and including `value`; when the next one is equal, the term is zero.
            var gap = Math.Abs((i / nu) - (j / nv));
            var next = j >= v.Length || (i < u.Length && u[i] <= v[j]) ? u[i++] : v[j++];
            sum.Add(gap * (next - value));
            value = next;
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

/// <summary>
/// Compensated summation that stays fast: terms are added plainly in blocks of 64, and the block sums with Neumaier's
/// correction, so sums of a million terms keep their last digits without a branch per term.
/// </summary>
internal struct CompensatedSum
{
    private const int Block = 64;
    private double _sum;
    private double _compensation;
    private double _block;
    private int _count;

    public readonly double Value
    {
        get
        {
            var t = _sum + _block;
            var c = Math.Abs(_sum) >= Math.Abs(_block) ? (_sum - t) + _block : (_block - t) + _sum;
            return t + (_compensation + c);
        }
    }

    public void Add(double value)
    {
        _block += value;
        if (++_count == Block)
        {
            var t = _sum + _block;
            _compensation += Math.Abs(_sum) >= Math.Abs(_block) ? (_sum - t) + _block : (_block - t) + _sum;
            _sum = t;
            (_block, _count) = (0, 0);
        }
    }
}
