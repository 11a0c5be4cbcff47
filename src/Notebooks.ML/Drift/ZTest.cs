using MathNet.Numerics;

namespace Notebooks.ML.Drift;

/// <summary>
/// The two-proportion Z-test (<c>z</c>, Evidently's <c>z_stat_test</c>): the share of rows that are not the first
/// value (in sorted order) in the reference against the current, pooled standard error, two-sided p-value.
/// Columns with few values (the preset picks it for 2 or fewer); drift when p &lt; 0.05. The p-value is
/// erfc(|z|/√2), the normal tail computed directly: Evidently's 2·(1 − Φ(|z|)) rounds to 0 below about 1e-16.
/// </summary>
internal sealed class ZTest : DriftTest
{
    public override string Name => "z";

    public override string Title => "two-proportion Z-test";

    public override double DefaultThreshold => 0.05;

    public override bool GivesPValue => true;

    public override string AppliesToText => "categorical columns and numeric columns with at most 5 distinct values";

    public override bool AppliesTo(ColumnPair pair) => pair.Kind == DriftColumnKind.Categorical || pair.Distinct <= DriftTests.FewValues;

    public override TestOutcome Run(ColumnPair pair)
    {
        var counts = pair.Categories;
        if (counts.Labels.Length < 2)
        {
            // The same single value on both sides.
            return new TestOutcome(0, 1);
        }

        double n1 = pair.Reference.Count, n2 = pair.Current.Count;
        var p1 = (n1 - counts.Reference[0]) / n1;
        var p2 = (n2 - counts.Current[0]) / n2;
        var pooled = ((p1 * n1) + (p2 * n2)) / (n1 + n2);
        var z = (p1 - p2) / Math.Sqrt(pooled * (1 - pooled) * ((1.0 / n1) + (1.0 / n2)));
        return new TestOutcome(z, SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2)));
    }
}
