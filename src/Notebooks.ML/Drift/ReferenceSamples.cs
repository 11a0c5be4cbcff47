using Microsoft.Data.Analysis;
using Notebooks.ML.Data;

namespace Notebooks.ML.Drift;

/// <summary>
/// The reference sample <c>#!train</c> keeps with every model: up to 100,000 rows of the training data's input
/// columns and label, drawn without replacement with the training seed (SplitMix64, the same rows on every
/// machine), in their original order. It travels inside the model zip, so every run in the store has it.
/// </summary>
internal static class ReferenceSamples
{
    public const int MaxRows = 100_000;

    public static DataFrame Draw(DataFrame frame, IEnumerable<string> columns, int seed)
    {
        var names = columns.Where(c => c.Length > 0 && frame.Columns.IndexOf(c) >= 0).Distinct().ToList();
        var rows = (int)frame.Rows.Count;
        var picked = rows <= MaxRows ? null : new Int64DataFrameColumn("row", Sampling.Pick(rows, MaxRows, seed).Select(i => (long)i));
        return new DataFrame(names.Select(n => frame.Columns[n].Clone(picked)));
    }
}
