namespace Notebooks.ML.Tracking;

/// <summary>Which runs <see cref="RunStore.List"/> and <see cref="RunStore.Plot"/> take. Every criterion is optional and case-insensitive.</summary>
public sealed class RunFilter
{
    /// <summary>
    /// The data: a DataFrame variable name, a file name (<c>iris.csv</c>), or the start (6 hex digits or more) of a
    /// data fingerprint or of a source file's fingerprint (which finds the runs on every load of that file).
    /// </summary>
    public string? Data { get; init; }

    /// <summary>The label column.</summary>
    public string? Label { get; init; }

    /// <summary>The trainer's name.</summary>
    public string? Trainer { get; init; }

    /// <summary>At most this many runs, newest first (default 50).</summary>
    public int Limit { get; init; } = 50;
}
