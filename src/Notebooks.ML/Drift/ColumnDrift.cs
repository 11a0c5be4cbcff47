namespace Notebooks.ML.Drift;

/// <summary>What a drift test treats a column as: numbers, or categories.</summary>
public enum DriftColumnKind
{
    /// <summary>Numbers (int, long, float, double …): tested on their values.</summary>
    Numeric,

    /// <summary>Text or true/false: tested on how often each value occurs.</summary>
    Categorical,
}

/// <summary>One column's drift: the test that ran, what it found, and the verdict against its threshold.</summary>
public sealed class ColumnDrift
{
    /// <summary>The column.</summary>
    public required string Name { get; init; }

    /// <summary>Numeric or categorical.</summary>
    public required DriftColumnKind Kind { get; init; }

    /// <summary>The test: <c>ks</c>, <c>chi2</c>, <c>z</c>, <c>wasserstein</c>, <c>jensen-shannon</c> or <c>psi</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The test's name in words (Kolmogorov–Smirnov …).</summary>
    public required string MethodTitle { get; init; }

    /// <summary>
    /// The test's statistic: KS's D, the chi-squared sum, the Z score, the normed Wasserstein distance, the
    /// Jensen–Shannon distance, or the PSI.
    /// </summary>
    public required double Statistic { get; init; }

    /// <summary>The p-value of a hypothesis test (ks, chi2, z); <see langword="null"/> for distances.</summary>
    public double? PValue { get; init; }

    /// <summary>The threshold the verdict used: a p-value level, or a distance.</summary>
    public required double Threshold { get; init; }

    /// <summary>Whether the column drifted: p below the threshold (at or below, for ks), or the distance at or above it.</summary>
    public required bool Drifted { get; init; }

    /// <summary>The population stability index, on Evidently's bins, whatever the test.</summary>
    public required double Psi { get; init; }

    /// <summary>The PSI band: none (below 0.1), moderate (0.1–0.25) or major (above 0.25).</summary>
    public string PsiBand => PsiTest.Band(Psi);

    /// <summary>What Evidently calls the drift score: the p-value for hypothesis tests, the distance otherwise.</summary>
    public double Score => PValue ?? Statistic;

    /// <summary>Reference values tested (missing ones left out).</summary>
    public required long ReferenceCount { get; init; }

    /// <summary>Current values tested (missing ones left out).</summary>
    public required long CurrentCount { get; init; }

    /// <summary>Reference rows where the column is missing (for numbers, NaN and ±∞ too).</summary>
    public required long ReferenceMissing { get; init; }

    /// <summary>Current rows where the column is missing.</summary>
    public required long CurrentMissing { get; init; }

    /// <summary>Why this column did not get the asked-for test, when it did not; otherwise <see langword="null"/>.</summary>
    public string? Note { get; init; }

    /// <summary>Both sides' distributions, for the charts.</summary>
    internal DriftPicture? Picture { get; init; }

    /// <summary>
    /// How far past its threshold the column is, on one scale for p-values and distances (1 at the threshold,
    /// above it when drifted): threshold / p, or distance / threshold. Orders tables and charts.
    /// </summary>
    internal double Severity => PValue is { } p ? (p <= 0 ? double.PositiveInfinity : Threshold / p) : Statistic / Threshold;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {Method} {(PValue is { } p ? $"p = {Errors.Format(p)}" : $"= {Errors.Format(Statistic)}")} (threshold {Errors.Format(Threshold)}){(Drifted ? ", drifted" : "")}, PSI {Errors.Format(Psi)}";
}

/// <summary>Both sides of a column as shares per bin or per value, for the distribution charts.</summary>
/// <param name="Labels">Bin or value labels (bins: their centres).</param>
/// <param name="Reference">The reference's share in each.</param>
/// <param name="Current">The current data's share in each.</param>
/// <param name="Numeric">Whether the labels are bins of numbers (a histogram) rather than values (bars).</param>
/// <param name="Width">The bins' width, for numeric pictures.</param>
internal sealed record DriftPicture(IReadOnlyList<string> Labels, double[] Reference, double[] Current, bool Numeric, double Width);
