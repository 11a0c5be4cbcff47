using MathNet.Numerics;

namespace Notebooks.ML.Drift;

/// <summary>
/// Pearson's chi-squared test of the current counts against the reference's shares scaled to the current size
/// (<c>chi2</c>, Evidently's <c>chi_stat_test</c>: <c>scipy.stats.chisquare(f_obs, f_exp)</c> with k − 1 degrees of
/// freedom). Categorical columns and numeric ones with at most 5 distinct values; drift when p &lt; 0.05. A value the
/// reference never had gives an infinite statistic and p = 0, as in scipy.
/// </summary>
internal sealed class ChiSquareTest : DriftTest
{
    public override string Name => "chi2";

    public override string Title => "chi-squared";

    public override double DefaultThreshold => 0.05;

    public override bool GivesPValue => true;

    public override string AppliesToText => "categorical columns and numeric columns with at most 5 distinct values";

    public override bool AppliesTo(ColumnPair pair) => pair.Kind == DriftColumnKind.Categorical || pair.Distinct <= DriftTests.FewValues;

    public override TestOutcome Run(ColumnPair pair)
    {
        var counts = pair.Categories;
        if (counts.Labels.Length < 2)
        {
            // One value on both sides: nothing can differ (scipy's chi2 with 0 degrees of freedom gives NaN).
            return new TestOutcome(0, 1);
        }

        var scale = pair.Current.Count / (double)pair.Reference.Count;
        var statistic = 0.0;
        for (var i = 0; i < counts.Labels.Length; i++)
        {
            var expected = counts.Reference[i] * scale;
            var difference = counts.Current[i] - expected;
            statistic += difference * difference / expected;
        }

        return new TestOutcome(statistic, Sf(statistic, counts.Labels.Length - 1));
    }

    /// <summary>The chi-squared survival function, Q(k/2, x/2) (cephes' <c>chdtrc</c>, which scipy uses).</summary>
    internal static double Sf(double statistic, int degrees) =>
        double.IsPositiveInfinity(statistic) ? 0
        : statistic <= 0 ? 1
        : SpecialFunctions.GammaUpperRegularized(degrees / 2.0, statistic / 2.0);
}
