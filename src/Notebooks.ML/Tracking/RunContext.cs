using Microsoft.Data.Analysis;

namespace Notebooks.ML.Tracking;

/// <summary>What a run records beyond the model itself: where it was trained and on which data. All optional.</summary>
public sealed class RunContext
{
    /// <summary>The notebook, when known (default: what the host says, see <see cref="RunStore.NotebookVariable"/>).</summary>
    public string? Notebook { get; init; }

    /// <summary>The cell's text (or the magic's).</summary>
    public string? Cell { get; init; }

    /// <summary>The variable the model is put in.</summary>
    public string? ModelVariable { get; init; }

    /// <summary>The DataFrame the model was trained on: its columns are recorded as the data's schema.</summary>
    public DataFrame? Data { get; init; }

    /// <summary>The metrics of each cross-validation fold, when the model was evaluated with folds.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> FoldMetrics { get; init; } = [];

    /// <summary>Whether to save the model file beside the store (default: yes).</summary>
    public bool SaveModel { get; init; } = true;
}
