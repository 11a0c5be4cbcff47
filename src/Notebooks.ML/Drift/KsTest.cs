namespace Notebooks.ML.Drift;

/// <summary>
/// Two-sample Kolmogorov–Smirnov (<c>ks</c>, Evidently's <c>ks_stat_test</c>): the largest gap between the two
/// empirical CDFs and its two-sided p-value from <c>scipy.stats.ks_2samp</c>'s default method. Numeric columns;
/// drift when p ≤ 0.05 (Evidently compares with ≤ for this test only).
/// </summary>
internal sealed class KsTest : DriftTest
{
    public override string Name => "ks";

    public override string Title => "Kolmogorov–Smirnov";

    public override double DefaultThreshold => 0.05;

    public override bool GivesPValue => true;

    public override string AppliesToText => "numeric columns";

    public override bool AppliesTo(ColumnPair pair) => pair.Kind == DriftColumnKind.Numeric;

    public override TestOutcome Run(ColumnPair pair)
    {
        var (statistic, p) = KolmogorovSmirnov.TwoSample(pair.Reference.Sorted, pair.Current.Sorted);
        return new TestOutcome(statistic, p);
    }

    public override bool Drifted(TestOutcome outcome, double threshold) => outcome.PValue <= threshold;
}
