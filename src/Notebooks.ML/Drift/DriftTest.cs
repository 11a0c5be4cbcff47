namespace Notebooks.ML.Drift;

/// <summary>What a test found on one column: its statistic and, for hypothesis tests, the p-value.</summary>
internal readonly record struct TestOutcome(double Statistic, double? PValue);

/// <summary>
/// A per-column drift test, in the manner of Evidently's <c>StatTest</c>: a name, a default threshold, the columns
/// it applies to, and how a result and a threshold make a verdict. One small file per test; the report only picks
/// (<see cref="DriftTests"/>) and renders.
/// </summary>
internal abstract class DriftTest
{
    /// <summary>The name <c>--method</c> takes and reports show: ks, chi2, z, wasserstein, jensen-shannon, psi.</summary>
    public abstract string Name { get; }

    /// <summary>The name in words, for cards.</summary>
    public abstract string Title { get; }

    /// <summary>The threshold Evidently uses unless told otherwise.</summary>
    public abstract double DefaultThreshold { get; }

    /// <summary>True for hypothesis tests (a p-value below the threshold is drift), false for distances (at or above is drift).</summary>
    public abstract bool GivesPValue { get; }

    /// <summary>Which columns the test can take, in words (for messages).</summary>
    public abstract string AppliesToText { get; }

    /// <summary>Whether the test can take this column.</summary>
    public abstract bool AppliesTo(ColumnPair pair);

    /// <summary>Runs the test on the column's two sides (both have values).</summary>
    public abstract TestOutcome Run(ColumnPair pair);

    /// <summary>Evidently's verdict: p-value &lt; threshold, or distance ≥ threshold.</summary>
    public virtual bool Drifted(TestOutcome outcome, double threshold) =>
        GivesPValue ? outcome.PValue < threshold : outcome.Statistic >= threshold;
}

/// <summary>The registered tests and Evidently's DataDriftPreset rule for picking one per column.</summary>
internal static class DriftTests
{
    /// <summary>Up to this many reference values, the preset picks hypothesis tests; above it, distances.</summary>
    public const int SmallReference = 1_000;

    /// <summary>Numeric columns with at most this many distinct values (both sides together) are treated as categories.</summary>
    public const int FewValues = 5;

    public static readonly KsTest Ks = new();
    public static readonly ChiSquareTest ChiSquare = new();
    public static readonly ZTest Z = new();
    public static readonly WassersteinTest Wasserstein = new();
    public static readonly JensenShannonTest JensenShannon = new();
    public static readonly PsiTest Psi = new();

    public static IReadOnlyList<DriftTest> All { get; } = [Ks, ChiSquare, Z, Wasserstein, JensenShannon, Psi];

    /// <summary>The test named <paramref name="name"/> (Evidently's names are accepted too: chisquare, jensenshannon), or null.</summary>
    public static DriftTest? Find(string name) => name.Trim().ToLowerInvariant() switch
    {
        "chisquare" or "chi-square" or "chi2" => ChiSquare,
        "jensenshannon" or "jensen-shannon" or "js" => JensenShannon,
        "wasserstein" or "wasserstein-norm" => Wasserstein,
        var other => All.FirstOrDefault(t => t.Name == other),
    };

    /// <summary>
    /// Evidently's <c>_get_default_stattest</c>: with at most 1,000 reference values, numeric columns with more than
    /// 5 distinct values get Kolmogorov–Smirnov, the rest chi-squared (more than 2 distinct values) or the Z-test;
    /// with more, numeric columns with more than 5 distinct values get the normed Wasserstein distance, the rest
    /// Jensen–Shannon.
    /// </summary>
    public static DriftTest Default(ColumnPair pair)
    {
        var numericMany = pair.Kind == DriftColumnKind.Numeric && pair.Distinct > FewValues;
        if (pair.Reference.Count <= SmallReference)
        {
            return numericMany ? Ks : pair.Distinct > 2 ? ChiSquare : Z;
        }

        return numericMany ? Wasserstein : JensenShannon;
    }

    /// <summary>The rule above in words, for cards and the README.</summary>
    public const string Rule =
        "Evidently's DataDriftPreset rule: with a reference of at most 1,000 values, a numeric column with more than 5 distinct values gets the two-sample Kolmogorov–Smirnov test, "
        + "any other column chi-squared (more than 2 distinct values) or the two-proportion Z-test (2 or fewer), drift when p < 0.05; "
        + "with a larger reference, a numeric column with more than 5 distinct values gets the Wasserstein distance divided by the reference's standard deviation, "
        + "any other column the Jensen–Shannon distance, drift when ≥ 0.1. PSI is shown beside every column (< 0.1 none, 0.1–0.25 moderate, > 0.25 major).";
}
