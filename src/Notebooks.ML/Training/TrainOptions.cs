namespace Notebooks.ML.Training;

/// <summary>What <see cref="ModelTrainer.Train"/> does. Only <see cref="Label"/> is required.</summary>
public sealed class TrainOptions
{
    /// <summary>What to call the data in messages and provenance, e.g. the notebook variable name.</summary>
    public string? DataName { get; init; }

    /// <summary>The column to predict.</summary>
    public string Label { get; init; } = "";

    /// <summary><c>auto</c> (inferred from the label), <c>binary</c>, <c>multiclass</c> or <c>regression</c>.</summary>
    public string Task { get; init; } = "auto";

    /// <summary>The trainer: <c>lightgbm</c> (default), <c>fasttree</c>, <c>sdca</c>, <c>lbfgs</c>.</summary>
    public string Trainer { get; init; } = "auto";

    /// <summary>Feature columns to use; all columns but the label when empty.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Columns to leave out of the features.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>The fraction of rows held out for evaluation, in (0, 1).</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>The seed for the split and the trainer: the same seed, data and options give the same metrics.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Trainer hyperparameters by name (as ML.NET's options spell them, case-insensitive), e.g. <c>NumberOfLeaves=31</c>.</summary>
    public IReadOnlyDictionary<string, string> Hyperparameters { get; init; } = new Dictionary<string, string>();
}
