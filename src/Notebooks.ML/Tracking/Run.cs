namespace Notebooks.ML.Tracking;

/// <summary>A column of the data a run was trained on: its name and type.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The type, as cards name it: <c>double</c>, <c>float</c>, <c>int</c>, <c>string</c>, <c>bool</c>, <c>datetime</c> …</param>
public sealed record RunColumn(string Name, string Type);

/// <summary>
/// One training run in the experiment log: what it was trained on, how, what it scored and where its model is.
/// Every <c>#!train</c> records one; <see cref="RunStore.Record"/> is the C# twin.
/// </summary>
public sealed record Run
{
    /// <summary>The run's number in its store, counting from 1: what <c>#!runs show 12</c> takes.</summary>
    public long Id { get; init; }

    /// <summary>A globally unique key (the model file is named after it), so that runs can be told apart across stores.</summary>
    public string Key { get; init; } = "";

    /// <summary>When training started (UTC).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When training finished (UTC).</summary>
    public DateTimeOffset EndedAt { get; init; }

    /// <summary>Wall time of the whole run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The notebook the run came from, when the host says (the runner, Jupyter), else <see langword="null"/>.</summary>
    public string? Notebook { get; init; }

    /// <summary>The text of the cell (or magic) that trained the model, when known.</summary>
    public string? Cell { get; init; }

    /// <summary>The variable the model was put in (<c>--as</c>), when known.</summary>
    public string? ModelVariable { get; init; }

    /// <summary>The data's name in the notebook (the DataFrame variable), when known.</summary>
    public string? DataName { get; init; }

    /// <summary>The file the data was loaded from, when known.</summary>
    public string? DataSource { get; init; }

    /// <summary>
    /// The data fingerprint of the training data (<c>sha256:…</c>): what identifies the data, so a run on a
    /// <c>--sample</c> of a file has another one than a run on the whole file (see <see cref="Data.LoadedData.Fingerprint"/>).
    /// </summary>
    public string DataFingerprint { get; init; } = "";

    /// <summary>
    /// The fingerprint of the file the data was loaded from (the SHA-256 of its bytes), or <see langword="null"/> for
    /// data built in code. Equal to <see cref="DataFingerprint"/> when the file was loaded as it is.
    /// </summary>
    public string? DataSourceFingerprint { get; init; }

    /// <summary>The columns of the data, when the DataFrame was given.</summary>
    public IReadOnlyList<RunColumn> DataSchema { get; init; } = [];

    /// <summary>The label column.</summary>
    public string Label { get; init; } = "";

    /// <summary>The task: <c>binary</c>, <c>multiclass</c>, <c>regression</c> …</summary>
    public string Task { get; init; } = "";

    /// <summary>The trainer's name.</summary>
    public string Trainer { get; init; } = "";

    /// <summary>Every hyperparameter the model was trained with, by ML.NET option name.</summary>
    public IReadOnlyDictionary<string, string> Hyperparameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The feature columns.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>The seed of the split and the trainer.</summary>
    public int Seed { get; init; }

    /// <summary>The held-out fraction.</summary>
    public double TestFraction { get; init; }

    /// <summary>Rows trained on.</summary>
    public int TrainRows { get; init; }

    /// <summary>Rows evaluated on.</summary>
    public int TestRows { get; init; }

    /// <summary>Metric name (as ML.NET spells it) → value, in the order training reported them.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The metrics of each cross-validation fold, in fold order; empty for a held-out split.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> FoldMetrics { get; init; } = [];

    /// <summary>Package versions the model was trained with.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();

    /// <summary>The machine that trained the model.</summary>
    public string Machine { get; init; } = "";

    /// <summary>The user that trained the model.</summary>
    public string? User { get; init; }

    /// <summary>The saved model (an ML.NET zip that <c>MLContext.Model.Load</c> reads), or <see langword="null"/> when none was saved.</summary>
    public string? ModelPath { get; init; }

    /// <summary>The fingerprint of the saved model file (<c>sha256:…</c>), to check that it is the one recorded.</summary>
    public string? ModelHash { get; init; }

    /// <summary>
    /// Why the run's results are out of date (its data has been reloaded with other content since), or
    /// <see langword="null"/> when nothing says so. Filled in by <see cref="RunStore"/> from what the notebook has loaded.
    /// </summary>
    public string? Stale { get; init; }

    /// <summary>How the run is named in messages and cards: <c>#12</c>.</summary>
    public string Name => $"#{Id}";

    /// <inheritdoc/>
    public override string ToString() => $"run {Name}: {Trainer} {Task} predicting {Label} from {DataName ?? DataSource ?? "data"}";
}
