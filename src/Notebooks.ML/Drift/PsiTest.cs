namespace Notebooks.ML.Drift;

/// <summary>
/// The population stability index (<c>psi</c>, Evidently's <c>psi</c>): Σ (r − c)·ln(r / c) over the bins Evidently
/// makes, empty bins given a tiny share (the smallest non-zero share / 10⁶, or 0.0001). Shown beside every column;
/// as a test, drift when ≥ 0.1. Bands: below 0.1 none, 0.1–0.25 moderate, above 0.25 major.
/// </summary>
internal sealed class PsiTest : DriftTest
{
    public override string Name => "psi";

    public override string Title => "population stability index";

    public override double DefaultThreshold => 0.1;

    public override bool GivesPValue => false;

    public override string AppliesToText => "numeric and categorical columns";

    public override bool AppliesTo(ColumnPair pair) => true;

    public override TestOutcome Run(ColumnPair pair) => new(Index(pair), null);

    /// <summary>The PSI of the column.</summary>
    public static double Index(ColumnPair pair)
    {
        var (reference, current) = Binned.Percents(pair, fillZeroes: true);
        var psi = 0.0;
        for (var i = 0; i < reference.Length; i++)
        {
            psi += (reference[i] - current[i]) * Math.Log(reference[i] / current[i]);
        }

        return psi;
    }

    /// <summary>none (below 0.1), moderate (0.1 to 0.25) or major (above 0.25).</summary>
    public static string Band(double psi) => psi < 0.1 ? "none" : psi <= 0.25 ? "moderate" : "major";
}
