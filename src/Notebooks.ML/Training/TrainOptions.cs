namespace Notebooks.ML.Training;

/// <summary>What <see cref="ModelTrainer.Train"/> does. Only <see cref="Label"/> is required (none for clustering).</summary>
public sealed class TrainOptions
{
    /// <summary>What to call the data in messages and provenance, e.g. the notebook variable name.</summary>
    public string? DataName { get; init; }

    /// <summary>The column to predict (optional for clustering).</summary>
    public string Label { get; init; } = "";

    /// <summary><c>auto</c> (inferred from the label), <c>binary</c>, <c>multiclass</c>, <c>regression</c> or <c>clustering</c>.</summary>
    public string Task { get; init; } = "auto";

    /// <summary>
    /// The trainer: <c>lightgbm</c>, <c>fasttree</c>, <c>fastforest</c>, <c>gam</c>, <c>sdca</c>, <c>lbfgs</c>,
    /// <c>averaged-perceptron</c>, <c>ols</c>, <c>kmeans</c>, or <c>auto</c>: the task's default (lightgbm; kmeans
    /// for clustering), or a search across trainers when <see cref="TimeBudget"/> or <see cref="MaxTrials"/> is set.
    /// </summary>
    public string Trainer { get; init; } = "auto";

    /// <summary>Feature columns to use; all columns but the label (and identifier-like ones) when empty.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Columns to leave out of the features.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>The fraction of rows held out for evaluation, in (0, 1), for <see cref="Split"/> <c>random</c>.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>
    /// How the test rows are chosen: <c>random</c> (a seeded shuffle, <see cref="TestFraction"/> held out) or
    /// <c>modN</c> such as <c>mod5</c>: the labelled rows whose 0-based position is a multiple of N are the test set
    /// (rows with a missing label are dropped first), the split the peer scores in notebooks/data/SOURCES.md use.
    /// </summary>
    public string Split { get; init; } = "random";

    /// <summary>K-fold cross-validation instead of one held-out split: metrics are the mean (and spread) over K folds, and the model is refit on every row.</summary>
    public int? Folds { get; init; }

    /// <summary>The seed for the split and the trainer: the same seed, data and options give the same metrics.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Trainer hyperparameters by name (as ML.NET's options spell them, case-insensitive), e.g. <c>NumberOfLeaves=31</c>.</summary>
    public IReadOnlyDictionary<string, string> Hyperparameters { get; init; } = new Dictionary<string, string>();

    /// <summary>For <c>--trainer auto</c>: the seconds the search may take (the winner's refit comes after).</summary>
    public double? TimeBudget { get; init; }

    /// <summary>For <c>--trainer auto</c>: the most trials the search runs; with the same number of trials the search is deterministic.</summary>
    public int? MaxTrials { get; init; }

    /// <summary>For clustering: the number of clusters (default 3).</summary>
    public int? Clusters { get; init; }

    /// <summary>
    /// Threads per training: null (the default) uses every core for trainers whose model does not depend on the
    /// thread count, and one thread for those whose model does (sdca); a number overrides both. Searches and folds
    /// run their trials side by side instead, one thread each.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Where the trials of a search and the folds of a cross-validation run: null (the default) runs them side by
    /// side on this machine's cores (<see cref="LocalTrials.EveryCore"/>); a cluster (Notebooks.ML.Cluster) sends them
    /// to its workers. The result is the same wherever they run.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TrialScheduler? Scheduler { get; init; }

    /// <summary>Whether to compute permutation feature importance and a learning curve (a little extra time).</summary>
    public bool Explain { get; init; } = true;
}
