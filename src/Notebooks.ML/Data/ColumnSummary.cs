using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>One column's name, type and counts, as shown in the schema table after <c>#!load</c>.</summary>
public sealed class ColumnSummary
{
    /// <summary>Distinct values are counted exactly up to this many; beyond it the count is a HyperLogLog estimate (±1%).</summary>
    public const int ExactDistinctLimit = 10_000;

    private ColumnSummary(string name, string type, long missing, long distinct, bool distinctIsEstimate, object? min, object? max, double? mean)
    {
        Name = name;
        Type = type;
        Missing = missing;
        Distinct = distinct;
        DistinctIsEstimate = distinctIsEstimate;
        Min = min;
        Max = max;
        Mean = mean;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The short type name: <c>int</c>, <c>long</c>, <c>double</c>, <c>bool</c>, <c>datetime</c>, <c>string</c>.</summary>
    public string Type { get; }

    /// <summary>How many values are missing.</summary>
    public long Missing { get; }

    /// <summary>How many distinct present values there are (see <see cref="DistinctIsEstimate"/>).</summary>
    public long Distinct { get; }

    /// <summary>Whether <see cref="Distinct"/> is an estimate: more than <see cref="ExactDistinctLimit"/> distinct values.</summary>
    public bool DistinctIsEstimate { get; }

    /// <summary>The smallest present value (numbers, dates, booleans), or the first text in ordinal order; <see langword="null"/> when none.</summary>
    public object? Min { get; }

    /// <summary>The largest present value, like <see cref="Min"/>.</summary>
    public object? Max { get; }

    /// <summary>The mean of a numeric or boolean column (the share of <c>true</c>); <see langword="null"/> otherwise.</summary>
    public double? Mean { get; }

    /// <summary>Describes every column of <paramref name="frame"/>, one column per core at a time.</summary>
    public static IReadOnlyList<ColumnSummary> Describe(DataFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var summaries = new ColumnSummary[frame.Columns.Count];
        Parallel.For(0, summaries.Length, c => summaries[c] = Describe(frame.Columns[c]));
        return summaries;
    }

    /// <summary>Describes one column.</summary>
    public static ColumnSummary Describe(DataFrameColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var type = TypeName(column.DataType);
        return column switch
        {
            DoubleDataFrameColumn d => Numeric(column, type, d),
            SingleDataFrameColumn f => Numeric(column, type, f),
            Int32DataFrameColumn i => Numeric(column, type, i),
            Int64DataFrameColumn l => Numeric(column, type, l),
            BooleanDataFrameColumn b => Numeric(column, type, b),
            DateTimeDataFrameColumn t => Dates(column, type, t),
            StringDataFrameColumn s => Text(column, type, s),
            _ => Other(column, type),
        };
    }

    internal static string TypeName(Type type) => type switch
    {
        _ when type == typeof(int) => "int",
        _ when type == typeof(long) => "long",
        _ when type == typeof(double) => "double",
        _ when type == typeof(float) => "float",
        _ when type == typeof(bool) => "bool",
        _ when type == typeof(DateTime) => "datetime",
        _ when type == typeof(string) => "string",
        _ => type.Name,
    };

    /// <summary>A number (or a boolean as 0 or 1) as a double; the JIT keeps only the line for <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Number<T>(T value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return Unsafe.As<T, double>(ref value);
        }

        if (typeof(T) == typeof(float))
        {
            return Unsafe.As<T, float>(ref value);
        }

        if (typeof(T) == typeof(int))
        {
            return Unsafe.As<T, int>(ref value);
        }

        if (typeof(T) == typeof(long))
        {
            return Unsafe.As<T, long>(ref value);
        }

        if (typeof(T) == typeof(bool))
        {
            return Unsafe.As<T, bool>(ref value) ? 1 : 0;
        }

        throw new NotSupportedException($"{typeof(T).Name} is not a number.");
    }

    // Compiled fully optimized at its first call: the card of the first load in a fresh kernel is computed once, so
    // tiered compilation would never promote this loop before the user sees the card.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ColumnSummary Numeric<T>(DataFrameColumn column, string type, PrimitiveDataFrameColumn<T> values)
        where T : unmanaged, IEquatable<T>
    {
        var distinct = new DistinctCounter<T>();
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        double sum = 0;
        long count = 0;
        T? minValue = null;
        T? maxValue = null;
        foreach (var (buffer, bits) in values.GetReadOnlyDataBuffers().Zip(values.GetReadOnlyNullBitMapBuffers()))
        {
            var span = buffer.Span;
            var validity = bits.Span;
            for (var i = 0; i < span.Length; i++)
            {
                if ((validity[i >> 3] & (1 << (i & 7))) == 0)
                {
                    continue;
                }

                var value = span[i];
                var x = Number(value);
                if (double.IsNaN(x))
                {
                    continue;
                }

                distinct.Add(value);
                sum += x;
                count++;
                if (x < min)
                {
                    min = x;
                    minValue = value;
                }

                if (x > max)
                {
                    max = x;
                    maxValue = value;
                }
            }
        }

        var (distinctCount, estimate) = distinct.Result;
        return new ColumnSummary(column.Name, type, column.Length - count, distinctCount, estimate, minValue, maxValue, count == 0 ? null : sum / count);
    }

    private static ColumnSummary Dates(DataFrameColumn column, string type, DateTimeDataFrameColumn values)
    {
        var distinct = new DistinctCounter<DateTime>();
        DateTime? min = null;
        DateTime? max = null;
        foreach (var value in Present(values))
        {
            distinct.Add(value);
            min = min is { } a && a <= value ? a : value;
            max = max is { } b && b >= value ? b : value;
        }

        var (count, estimate) = distinct.Result;
        return new ColumnSummary(column.Name, type, column.NullCount, count, estimate, min, max, null);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ColumnSummary Text(DataFrameColumn column, string type, StringDataFrameColumn values)
    {
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var sketch = (HyperLogLog?)null;
        string? min = null;
        string? max = null;
        long missing = 0;
        // Loaded text holds one string object per distinct value (the loaders' string cache), so a value whose very
        // object was just seen has been counted and compared already: a check by identity skips hashing its text.
        var recent = new string?[RecentSlots];
        for (long i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (value is null)
            {
                missing++;
                continue;
            }

            var slot = RuntimeHelpers.GetHashCode(value) & (RecentSlots - 1);
            if (ReferenceEquals(recent[slot], value))
            {
                continue;
            }

            recent[slot] = value;

            if (sketch is not null)
            {
                sketch.Add(StableHash.Of(value));
            }
            else if (exact.Add(value) && exact.Count > ExactDistinctLimit)
            {
                sketch = new HyperLogLog();
                foreach (var seen in exact)
                {
                    sketch.Add(StableHash.Of(seen));
                }

                exact.Clear();
            }

            if (min is null || string.CompareOrdinal(value, min) < 0)
            {
                min = value;
            }

            if (max is null || string.CompareOrdinal(value, max) > 0)
            {
                max = value;
            }
        }

        return sketch is null
            ? new ColumnSummary(column.Name, type, missing, exact.Count, false, min, max, null)
            : new ColumnSummary(column.Name, type, missing, sketch.Estimate, true, min, max, null);
    }

    private const int RecentSlots = 4096;

    private static ColumnSummary Other(DataFrameColumn column, string type)
    {
        var seen = new HashSet<object>();
        for (long i = 0; i < column.Length && seen.Count <= ExactDistinctLimit; i++)
        {
            if (column[i] is { } value)
            {
                seen.Add(value);
            }
        }

        return new ColumnSummary(column.Name, type, column.NullCount, seen.Count, seen.Count > ExactDistinctLimit, null, null, null);
    }

    /// <summary>The present values of a primitive column, straight from its buffers (no boxing, no per-row indexer).</summary>
    private static IEnumerable<T> Present<T>(PrimitiveDataFrameColumn<T> column)
        where T : unmanaged
    {
        foreach (var (values, bits) in column.GetReadOnlyDataBuffers().Zip(column.GetReadOnlyNullBitMapBuffers()))
        {
            for (var i = 0; i < values.Length; i++)
            {
                if ((bits.Span[i >> 3] & (1 << (i & 7))) != 0)
                {
                    yield return values.Span[i];
                }
            }
        }
    }

    /// <summary>Exact distinct counting with a hash set up to <see cref="ExactDistinctLimit"/> values, then a HyperLogLog sketch.</summary>
    private sealed class DistinctCounter<T>
        where T : unmanaged, IEquatable<T>
    {
        private readonly HashSet<T> _exact = [];
        private HyperLogLog? _sketch;

        public (long Count, bool Estimate) Result => _sketch is null ? (_exact.Count, false) : (_sketch.Estimate, true);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(T value)
        {
            if (_sketch is not null)
            {
                _sketch.Add(Hash(value));
                return;
            }

            if (_exact.Add(value) && _exact.Count > ExactDistinctLimit)
            {
                _sketch = new HyperLogLog();
                foreach (var seen in _exact)
                {
                    _sketch.Add(Hash(seen));
                }

                _exact.Clear();
                _exact.TrimExcess();
            }
        }

        private static ulong Hash(T value) => Unsafe.SizeOf<T>() switch
        {
            8 => StableHash.Mix(Unsafe.As<T, ulong>(ref value)),
            4 => StableHash.Mix(Unsafe.As<T, uint>(ref value)),
            1 => StableHash.Mix(Unsafe.As<T, byte>(ref value)),
            _ => StableHash.Of(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value))),
        };
    }

    /// <summary>
    /// A 64-bit hash that is the same in every process (string.GetHashCode is randomized per process, which would
    /// make estimated counts differ between two runs of the same notebook): FNV-1a, then the SplitMix64 finalizer.
    /// </summary>
    private static class StableHash
    {
        public static ulong Of(string value) => Of(MemoryMarshal.AsBytes(value.AsSpan()));

        public static ulong Of(ReadOnlySpan<byte> bytes)
        {
            var hash = 14695981039346656037UL;
            foreach (var b in bytes)
            {
                hash = (hash ^ b) * 1099511628211UL;
            }

            return Mix(hash);
        }

        /// <summary>The SplitMix64 finalizer: a number's bits (8 bytes or fewer) hashed in a few instructions.</summary>
        public static ulong Mix(ulong hash)
        {
            hash += 0x9E3779B97F4A7C15UL;
            hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
            hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
            return hash ^ (hash >> 31);
        }
    }

    /// <summary>HyperLogLog with 2^14 registers: about 0.8% standard error, 16 KB of memory, whatever the count.</summary>
    private sealed class HyperLogLog
    {
        private const int Precision = 14;
        private const int Registers = 1 << Precision;
        private readonly byte[] _registers = new byte[Registers];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ulong hash)
        {
            var index = (int)(hash >> (64 - Precision));
            var rank = (byte)(BitOperations.LeadingZeroCount((hash << Precision) | (1UL << (Precision - 1))) + 1);
            if (rank > _registers[index])
            {
                _registers[index] = rank;
            }
        }

        public long Estimate
        {
            get
            {
                double sum = 0;
                var zeros = 0;
                foreach (var register in _registers)
                {
                    sum += Math.Pow(2, -register);
                    zeros += register == 0 ? 1 : 0;
                }

                var alpha = 0.7213 / (1 + (1.079 / Registers));
                var estimate = alpha * Registers * Registers / sum;
                if (estimate <= 2.5 * Registers && zeros > 0)
                {
                    estimate = Registers * Math.Log((double)Registers / zeros);
                }

                return (long)Math.Round(estimate);
            }
        }
    }
}
