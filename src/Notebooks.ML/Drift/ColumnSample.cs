using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Drift;

/// <summary>
/// One side of one column, prepared once for every test: the numbers sorted, or the count of each category.
/// Missing values (and, for numbers, NaN and ±∞, which Evidently drops the same way) are left out and counted.
/// </summary>
internal sealed class ColumnSample
{
    private ColumnSample(DriftColumnKind kind, double[] sorted, Dictionary<string, long>? counts, long count, long missing)
    {
        Kind = kind;
        Sorted = sorted;
        Counts = counts;
        Count = count;
        Missing = missing;
    }

    public DriftColumnKind Kind { get; }

    /// <summary>The values in ascending order (numeric columns; empty for categories).</summary>
    public double[] Sorted { get; }

    /// <summary>Value → how many rows hold it (categorical columns).</summary>
    public Dictionary<string, long>? Counts { get; }

    /// <summary>Values tested (rows minus missing).</summary>
    public long Count { get; }

    /// <summary>Rows left out as missing.</summary>
    public long Missing { get; }

    /// <summary>The kind a column's type gives, or null for types no drift test takes (dates, times, others).</summary>
    public static DriftColumnKind? KindOf(DataFrameColumn column) =>
        Data.Columns.IsNumeric(column) ? DriftColumnKind.Numeric
        : column.DataType == typeof(string) || column.DataType == typeof(bool) || column.DataType == typeof(char) ? DriftColumnKind.Categorical
        : null;

    public static ColumnSample Of(DataFrameColumn column, DriftColumnKind kind) =>
        kind == DriftColumnKind.Numeric ? Numbers(column) : Categories(column);

    /// <summary>A sample from values already at hand (tests and the monitor).</summary>
    public static ColumnSample FromNumbers(IEnumerable<double> values)
    {
        var all = values.ToArray();
        var kept = all.Where(double.IsFinite).ToArray();
        DriftSort.Sort(kept);
        return new ColumnSample(DriftColumnKind.Numeric, kept, null, kept.Length, all.Length - kept.Length);
    }

    private static ColumnSample Numbers(DataFrameColumn column)
    {
        var values = new double[column.Length];
        var kept = column switch
        {
            DoubleDataFrameColumn c => Read(c, values, v => v),
            SingleDataFrameColumn c => Read(c, values, v => v),
            Int32DataFrameColumn c => Read(c, values, v => v),
            Int64DataFrameColumn c => Read(c, values, v => v),
            _ => ReadAny(column, values),
        };
        Array.Resize(ref values, kept);
        DriftSort.Sort(values);
        return new ColumnSample(DriftColumnKind.Numeric, values, null, kept, column.Length - kept);
    }

    /// <summary>Copies the finite values of a primitive column into <paramref name="into"/> straight from its buffers; returns how many.</summary>
    private static int Read<T>(PrimitiveDataFrameColumn<T> column, double[] into, Func<T, double> convert)
        where T : unmanaged
    {
        var kept = 0;
        using var bitmaps = column.GetReadOnlyNullBitMapBuffers().GetEnumerator();
        foreach (var buffer in column.GetReadOnlyDataBuffers())
        {
            var valid = bitmaps.MoveNext() ? bitmaps.Current.Span : default;
            var values = buffer.Span;
            var all = column.NullCount == 0;
            for (var i = 0; i < values.Length; i++)
            {
                if (all || valid.Length == 0 || (valid[i >> 3] & (1 << (i & 7))) != 0)
                {
                    var value = convert(values[i]);
                    if (double.IsFinite(value))
                    {
                        into[kept++] = value;
                    }
                }
            }
        }

        return kept;
    }

    private static int ReadAny(DataFrameColumn column, double[] into)
    {
        var kept = 0;
        for (long i = 0; i < column.Length; i++)
        {
            if (column[i] is { } v && Convert.ToDouble(v, CultureInfo.InvariantCulture) is var value && double.IsFinite(value))
            {
                into[kept++] = value;
            }
        }

        return kept;
    }

    /// <summary>Strings a column holds as the same instance (loaders share them) are counted by reference before by value.</summary>
    private const int SharedInstances = 4096;

    /// <summary>
    /// Counts the values of a text column. Loaded columns hold one string instance per distinct value (the CSV
    /// loader shares them), so rows are first counted by reference, which needs no hashing of characters; when a
    /// column turns out to hold many instances, the rest of it is counted by value.
    /// </summary>
    private static long CountStrings(StringDataFrameColumn strings, Dictionary<string, long> counts)
    {
        var byInstance = new Dictionary<string, long>(ReferenceEqualityComparer.Instance);
        long missing = 0, i = 0;
        string? last = null;
        long lastCount = 0;
        for (; i < strings.Length && byInstance.Count < SharedInstances; i++)
        {
            var text = strings[i];
            if (text is null)
            {
                missing++;
            }
            else if (ReferenceEquals(text, last))
            {
                lastCount++;
            }
            else
            {
                if (last is not null)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(byInstance, last, out _) += lastCount;
                }

                (last, lastCount) = (text, 1);
            }
        }

        if (last is not null)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(byInstance, last, out _) += lastCount;
        }

        foreach (var (text, count) in byInstance)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(counts, text, out _) += count;
        }

        for (; i < strings.Length; i++)
        {
            if (strings[i] is { } text)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(counts, text, out _)++;
            }
            else
            {
                missing++;
            }
        }

        return missing;
    }

    private static ColumnSample Categories(DataFrameColumn column)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long missing = 0;
        switch (column)
        {
            case StringDataFrameColumn strings:
                missing = CountStrings(strings, counts);
                break;
            case BooleanDataFrameColumn flags:
                long yes = 0, no = 0;
                for (long i = 0; i < flags.Length; i++)
                {
                    switch (flags[i])
                    {
                        case true:
                            yes++;
                            break;
                        case false:
                            no++;
                            break;
                        default:
                            missing++;
                            break;
                    }
                }

                if (no > 0)
                {
                    counts[bool.FalseString] = no;
                }

                if (yes > 0)
                {
                    counts[bool.TrueString] = yes;
                }

                break;
            default:
                for (long i = 0; i < column.Length; i++)
                {
                    if (column[i] is { } value)
                    {
                        CollectionsMarshal.GetValueRefOrAddDefault(counts, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", out _)++;
                    }
                    else
                    {
                        missing++;
                    }
                }

                break;
        }

        return new ColumnSample(DriftColumnKind.Categorical, [], counts, column.Length - missing, missing);
    }
}
