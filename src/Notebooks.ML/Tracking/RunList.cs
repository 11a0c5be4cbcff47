using System.Collections;

namespace Notebooks.ML.Tracking;

/// <summary>Runs from a store, newest first, with the filter that chose them: what <c>#!runs list</c> shows.</summary>
public sealed class RunList : IReadOnlyList<Run>
{
    private readonly IReadOnlyList<Run> _runs;

    internal RunList(IReadOnlyList<Run> runs, string store, RunFilter filter, long total)
    {
        _runs = runs;
        Store = store;
        Filter = filter;
        Total = total;
    }

    /// <summary>The store the runs came from.</summary>
    public string Store { get; }

    /// <summary>The filter that chose them.</summary>
    public RunFilter Filter { get; }

    /// <summary>How many runs the whole store holds.</summary>
    public long Total { get; }

    /// <inheritdoc/>
    public int Count => _runs.Count;

    /// <inheritdoc/>
    public Run this[int index] => _runs[index];

    /// <inheritdoc/>
    public IEnumerator<Run> GetEnumerator() => _runs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
