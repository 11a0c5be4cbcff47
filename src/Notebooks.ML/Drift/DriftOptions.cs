namespace Notebooks.ML.Drift;

/// <summary>Options of a drift check: <c>#!drift</c>'s <c>--columns</c>, <c>--method</c>, <c>--threshold</c> and <c>--drift-share</c>.</summary>
public sealed record DriftOptions
{
    /// <summary>The columns to compare; empty means every column of the reference (for a model: its input columns, and the label when the current data has it).</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>
    /// <c>auto</c> (Evidently's DataDriftPreset choice per column, see <see cref="DataDrift.Rule"/>) or one test for
    /// every column it applies to: <c>ks</c>, <c>chi2</c>, <c>z</c>, <c>wasserstein</c>, <c>jensen-shannon</c>, <c>psi</c>.
    /// </summary>
    public string Method { get; init; } = "auto";

    /// <summary>One threshold for every column's test, instead of each test's default (0.05 for p-values, 0.1 for distances).</summary>
    public double? Threshold { get; init; }

    /// <summary>The dataset drifts when at least this share of its columns drift (Evidently's default 0.5).</summary>
    public double DriftShare { get; init; } = 0.5;

    /// <summary>How the reference is named on cards and in messages (a variable name, a run …).</summary>
    public string? ReferenceName { get; init; }

    /// <summary>How the current data is named on cards and in messages.</summary>
    public string? CurrentName { get; init; }
}
