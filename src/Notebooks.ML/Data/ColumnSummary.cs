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

    private static ColumnSummary Numeric<T>(DataFrameColumn column, string type, PrimitiveDataFrameColumn<T> values)
        where T : unmanaged, IEquatable<T>
    {
        var stats = new NumericStats<T>();
        foreach (var (buffer, bits) in values.GetReadOnlyDataBuffers().Zip(values.GetReadOnlyNullBitMapBuffers()))
        {
            stats.Add(buffer.Span, bits.Span);
        }

        return stats.Result(column.Name, type, column.Length);
    }

    private static ColumnSummary Dates(DataFrameColumn column, string type, DateTimeDataFrameColumn values)
    {
        var stats = new DateStats();
        foreach (var (buffer, bits) in values.GetReadOnlyDataBuffers().Zip(values.GetReadOnlyNullBitMapBuffers()))
        {
            stats.Add(buffer.Span, bits.Span);
        }

        return stats.Result(column.Name, type, column.Length);
    }

    private static ColumnSummary Text(DataFrameColumn column, string type, StringDataFrameColumn values)
    {
        var stats = new TextStats();
        for (long i = 0; i < values.Length; i++)
        {
            stats.Add(values[i]);
        }

        return stats.Result(column.Name, type, column.Length);
    }

    /// <summary>
    /// The statistics of one column, taken over its rows in order, a run of rows at a time. <see cref="Describe(DataFrameColumn)"/>
    /// feeds it a finished column; the CSV reader feeds it the rows parsed so far, on another core, so that the card's
    /// statistics are ready when the last row is. The numbers are the same either way: the same code, the same order.
    /// </summary>
    internal abstract class Stats
    {
        /// <summary>Takes rows <c>[from, to)</c> of <paramref name="builder"/>; <paramref name="from"/> is a multiple of 8.</summary>
        public abstract void Add(ColumnBuilder builder, int from, int to);

        public abstract ColumnSummary Result(string name, string type, long length);

        /// <summary>Statistics for a column of <paramref name="kind"/>.</summary>
        public static Stats For(ColumnKind kind) => kind switch
        {
            ColumnKind.Boolean => new NumericStats<bool>(),
            ColumnKind.Int32 => new NumericStats<int>(),
            ColumnKind.Int64 => new NumericStats<long>(),
            ColumnKind.Double => new NumericStats<double>(),
            ColumnKind.DateTime => new DateStats(),
            _ => new TextStats(),
        };
    }

    private sealed class NumericStats<T> : Stats
        where T : unmanaged, IEquatable<T>
    {
        private readonly DistinctCounter<T> _distinct = new();
        private double _min = double.PositiveInfinity;
        private double _max = double.NegativeInfinity;
        private double _sum;
        private long _count;
        private T? _minValue;
        private T? _maxValue;

        public override void Add(ColumnBuilder builder, int from, int to) =>
            Add(builder.Values<T>()[from..to], builder.Validity()[(from >> 3)..]);

        // Compiled fully optimized at its first call: the card of the first load in a fresh kernel is computed once, so
        // tiered compilation would never promote this loop before the user sees the card.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(ReadOnlySpan<T> span, ReadOnlySpan<byte> validity)
        {
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

                _distinct.Add(value);
                _sum += x;
                _count++;
                if (x < _min)
                {
                    _min = x;
                    _minValue = value;
                }

                if (x > _max)
                {
                    _max = x;
                    _maxValue = value;
                }
            }
        }

        public override ColumnSummary Result(string name, string type, long length)
        {
            var (distinctCount, estimate) = _distinct.Result;
            return new ColumnSummary(name, type, length - _count, distinctCount, estimate, _minValue, _maxValue, _count == 0 ? null : _sum / _count);
        }
    }

    private sealed class DateStats : Stats
    {
        private readonly DistinctCounter<DateTime> _distinct = new();
        private DateTime? _min;
        private DateTime? _max;
        private long _count;

        public override void Add(ColumnBuilder builder, int from, int to) =>
            Add(builder.Values<DateTime>()[from..to], builder.Validity()[(from >> 3)..]);

        public void Add(ReadOnlySpan<DateTime> span, ReadOnlySpan<byte> validity)
        {
            for (var i = 0; i < span.Length; i++)
            {
                if ((validity[i >> 3] & (1 << (i & 7))) == 0)
                {
                    continue;
                }

                var value = span[i];
                _distinct.Add(value);
                _count++;
                _min = _min is { } a && a <= value ? a : value;
                _max = _max is { } b && b >= value ? b : value;
            }
        }

        public override ColumnSummary Result(string name, string type, long length)
        {
            var (count, estimate) = _distinct.Result;
            return new ColumnSummary(name, type, length - _count, count, estimate, _min, _max, null);
        }
    }

    private sealed class TextStats : Stats
    {
        private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
        private HyperLogLog? _sketch;
        private string? _min;
        private string? _max;
        private long _missing;

        // Loaded text holds one string object per distinct value (the loaders' string cache), so a value whose very
        // object was just seen has been counted and compared already: a check by identity skips hashing its text.
        private readonly string?[] _recent = new string?[RecentSlots];

        public override void Add(ColumnBuilder builder, int from, int to)
        {
            foreach (var value in builder.Texts()[from..to])
            {
                Add(value);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(string? value)
        {
            if (value is null)
            {
                _missing++;
                return;
            }

            var slot = RuntimeHelpers.GetHashCode(value) & (RecentSlots - 1);
            if (ReferenceEquals(_recent[slot], value))
            {
                return;
            }

            _recent[slot] = value;

            if (_sketch is not null)
            {
                _sketch.Add(StableHash.Of(value));
            }
            else if (_exact.Add(value) && _exact.Count > ExactDistinctLimit)
            {
                _sketch = new HyperLogLog();
                foreach (var seen in _exact)
                {
                    _sketch.Add(StableHash.Of(seen));
                }

                _exact.Clear();
            }

            if (_min is null || string.CompareOrdinal(value, _min) < 0)
            {
                _min = value;
            }

            if (_max is null || string.CompareOrdinal(value, _max) > 0)
            {
                _max = value;
            }
        }

        public override ColumnSummary Result(string name, string type, long length) => _sketch is null
            ? new ColumnSummary(name, type, _missing, _exact.Count, false, _min, _max, null)
            : new ColumnSummary(name, type, _missing, _sketch.Estimate, true, _min, _max, null);
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
