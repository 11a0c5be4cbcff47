namespace Notebooks.ML.Drift;

/// <summary>
/// The result of a drift check (<c>#!drift … --as NAME</c>, <see cref="DataDrift.Compare(Microsoft.Data.Analysis.DataFrame, Microsoft.Data.Analysis.DataFrame, DriftOptions?)"/>):
/// the dataset verdict, each column's test, and for a model the drift of its predictions and its metrics on the
/// current data.
/// </summary>
public sealed class DriftReport
{
    /// <summary>Whether the dataset drifted: at least <see cref="DriftShareThreshold"/> of its columns drifted.</summary>
    public required bool DatasetDrift { get; init; }

    /// <summary>The share of columns that drifted (0 to 1).</summary>
    public required double DriftShare { get; init; }

    /// <summary>The share of drifted columns at which the dataset drifts (<c>--drift-share</c>, default 0.5).</summary>
    public required double DriftShareThreshold { get; init; }

    /// <summary>Each column's test and verdict, most drifted first (drifted columns, then by how far past their threshold).</summary>
    public required IReadOnlyList<ColumnDrift> Columns { get; init; }

    /// <summary>How many columns drifted.</summary>
    public int DriftedColumns => Columns.Count(c => c.Drifted);

    /// <summary>
    /// With a model as the reference: its prediction columns (PredictedLabel, Probability, Score …) on the current
    /// data against its predictions on its reference sample. Not counted in <see cref="DriftShare"/>. Empty otherwise.
    /// </summary>
    public IReadOnlyList<ColumnDrift> Predictions { get; init; } = [];

    /// <summary>With a model as the reference and the label in the current data: the model's metrics on the current data; otherwise <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, double>? CurrentMetrics { get; init; }

    /// <summary>With a model as the reference: its metrics at training, beside <see cref="CurrentMetrics"/>.</summary>
    public IReadOnlyDictionary<string, double>? TrainingMetrics { get; init; }

    /// <summary>Rows in the reference.</summary>
    public required long ReferenceRows { get; init; }

    /// <summary>Rows in the current data.</summary>
    public required long CurrentRows { get; init; }

    /// <summary>How the reference is named (a variable, a model's reference sample, a run).</summary>
    public required string ReferenceName { get; init; }

    /// <summary>How the current data is named.</summary>
    public required string CurrentName { get; init; }

    /// <summary><c>auto</c> or the test asked for.</summary>
    public required string Method { get; init; }

    /// <summary>What the card should say besides the table: columns left out, tests that did not apply, predictions not compared.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>How the tests were chosen (Evidently's DataDriftPreset rule), in words.</summary>
    public string Rule => DataDrift.Rule;

    /// <summary>The column named <paramref name="column"/>.</summary>
    public ColumnDrift this[string column] =>
        Columns.Concat(Predictions).FirstOrDefault(c => c.Name == column)
        ?? throw Errors.UnknownColumn(column, "a compared", Columns.Concat(Predictions).Select(c => c.Name));

    /// <inheritdoc/>
    public override string ToString() =>
        $"Dataset drift: {(DatasetDrift ? "yes" : "no")}, {DriftedColumns} of {Columns.Count} columns drifted (share {Errors.Format(DriftShare)}, threshold {Errors.Format(DriftShareThreshold)})"
        + (Predictions.Count > 0 ? $"; predictions: {string.Join(", ", Predictions.Select(p => $"{p.Name} {(p.Drifted ? "drifted" : "stable")}"))}" : "");
}
