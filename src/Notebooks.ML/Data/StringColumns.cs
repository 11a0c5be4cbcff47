using System.Reflection;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// Builds a <see cref="StringDataFrameColumn"/> from values already in an array. Its public constructor appends
/// them one by one into a list that doubles as it grows (each doubling a large-object allocation that can start a
/// full collection): 75 ms for each text column of a 1,000,000-row file, a quarter of the whole load (measured with
/// bench/LoadBenchmark). Microsoft.Data.Analysis 0.23.1 keeps the strings in one <c>List&lt;string&gt;</c> per
/// 268 million rows, a null count and a length; filling those directly takes one array copy. If a later version
/// stores them differently, <see cref="IsDirect"/> is false and the public constructor is used (a test says so). The
/// loaders' text builders keep their values in a <c>List&lt;string&gt;</c> from the start, which the column then takes
/// as it is: not even that copy (24 MB of fresh memory per 3,000,000-row column).
/// </summary>
internal static class StringColumns
{
    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    private static readonly FieldInfo? _buffers = typeof(StringDataFrameColumn).GetField("_stringBuffers", Private);
    private static readonly FieldInfo? _nullCount = typeof(StringDataFrameColumn).GetField("_nullCount", Private);
    private static readonly MethodInfo? _setLength = typeof(DataFrameColumn).GetProperty(nameof(DataFrameColumn.Length))?.GetSetMethod(nonPublic: true);

    /// <summary>Whether columns are filled directly (the internals are as expected) rather than value by value.</summary>
    public static bool IsDirect { get; } =
        _buffers?.FieldType == typeof(List<List<string>>) && _nullCount?.FieldType == typeof(long) && _setLength is not null;

    public static StringDataFrameColumn Create(string name, ArraySegment<string?> values) =>
        IsDirect && values.Count <= StringDataFrameColumn.MaxCapacity ? Create(name, new List<string?>(values)) : new StringDataFrameColumn(name, values);

    /// <summary>A column that takes <paramref name="values"/> as its storage (no copy); the list belongs to the column afterwards.</summary>
    public static StringDataFrameColumn Create(string name, List<string?> values)
    {
        if (!IsDirect || values.Count > StringDataFrameColumn.MaxCapacity)
        {
            return new StringDataFrameColumn(name, values);
        }

        var nulls = 0L;
        foreach (var value in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values))
        {
            if (value is null)
            {
                nulls++;
            }
        }

        var column = new StringDataFrameColumn(name, 0);
        var buffers = (List<List<string>>)_buffers!.GetValue(column)!;
        buffers.Clear();
        buffers.Add(values!);
        _nullCount!.SetValue(column, nulls);
        _setLength!.Invoke(column, [(long)values.Count]);
        return column;
    }
}
