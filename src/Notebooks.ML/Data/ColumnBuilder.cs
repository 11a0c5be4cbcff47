using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// Collects the parsed values of one column by row index, in chunks of <see cref="ChunkSize"/> rows, then hands
/// them to a <see cref="DataFrameColumn"/>. Rows are set by index so that several threads can fill different rows
/// at once: chunks are only allocated by <see cref="Reserve"/> (one thread, before the rows are handed out), and a
/// thread's rows never share a 64-row word of the missing-value bitmap with another thread's when work is split on
/// multiples of 64 rows.
/// </summary>
internal abstract class ColumnBuilder
{
    public const int ChunkShift = 16;
    public const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private ulong[][] _missing = [];

    public abstract ColumnKind Kind { get; }

    /// <summary>Makes rows <c>[0, rows)</c> settable.</summary>
    public void Reserve(int rows)
    {
        var chunks = (rows + ChunkMask) >> ChunkShift;
        if (chunks <= _missing.Length)
        {
            return;
        }

        var old = _missing.Length;
        Array.Resize(ref _missing, Math.Max(chunks, old * 2));
        for (var k = old; k < _missing.Length; k++)
        {
            _missing[k] = new ulong[ChunkSize / 64];
        }

        Grow(_missing.Length);
    }

    protected abstract void Grow(int chunks);

    /// <summary>Stores a present value; false when it does not parse as <see cref="Kind"/> (the row is left unset then).</summary>
    public abstract bool TrySet(int row, ReadOnlySpan<char> value);

    /// <summary>Stores a value read by a typed reader (a database, JSON); it must convert to <see cref="Kind"/>.</summary>
    public abstract void SetObject(int row, object value);

    public void SetMissing(int row) =>
        _missing[row >> ChunkShift][(row & ChunkMask) >> 6] |= 1UL << (row & 63);

    protected bool IsMissing(int row) =>
        (_missing[row >> ChunkShift][(row & ChunkMask) >> 6] & (1UL << (row & 63))) != 0;

    protected int CountMissing(int length)
    {
        var count = 0;
        for (var row = 0; row < length; row += 64)
        {
            var word = _missing[row >> ChunkShift][(row & ChunkMask) >> 6];
            var valid = Math.Min(64, length - row);
            count += BitOperations.PopCount(valid == 64 ? word : word & ((1UL << valid) - 1));
        }

        return count;
    }

    /// <summary>The finished column of the first <paramref name="length"/> rows; the builder is empty afterwards.</summary>
    public abstract DataFrameColumn Build(string name, int length);

    public static ColumnBuilder Create(ColumnKind kind) => kind switch
    {
        ColumnKind.Boolean => new Primitive<bool, BooleanParser>(kind),
        ColumnKind.Int32 => new Primitive<int, Int32Parser>(kind),
        ColumnKind.Int64 => new Primitive<long, Int64Parser>(kind),
        ColumnKind.Double => new Primitive<double, DoubleParser>(kind),
        ColumnKind.DateTime => new Primitive<DateTime, DateTimeParser>(kind),
        _ => new Text(),
    };

    internal interface IParser<T>
    {
        static abstract bool TryParse(ReadOnlySpan<char> value, out T result);

        static abstract T Convert(object value);
    }

    internal readonly struct BooleanParser : IParser<bool>
    {
        public static bool TryParse(ReadOnlySpan<char> value, out bool result) => ValueParser.TryBoolean(value, out result);

        public static bool Convert(object value) => System.Convert.ToBoolean(value, CultureInfo.InvariantCulture);
    }

    internal readonly struct Int32Parser : IParser<int>
    {
        public static bool TryParse(ReadOnlySpan<char> value, out int result) => ValueParser.TryInt32(value, out result);

        public static int Convert(object value) => System.Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    internal readonly struct Int64Parser : IParser<long>
    {
        public static bool TryParse(ReadOnlySpan<char> value, out long result) => ValueParser.TryInt64(value, out result);

        public static long Convert(object value) => System.Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    internal readonly struct DoubleParser : IParser<double>
    {
        public static bool TryParse(ReadOnlySpan<char> value, out double result) => ValueParser.TryDouble(value, out result);

        public static double Convert(object value) => value switch
        {
            BigInteger big => (double)big,
            _ => System.Convert.ToDouble(value, CultureInfo.InvariantCulture),
        };
    }

    internal readonly struct DateTimeParser : IParser<DateTime>
    {
        public static bool TryParse(ReadOnlySpan<char> value, out DateTime result) => ValueParser.TryDateTime(value, out result);

        public static DateTime Convert(object value) => value switch
        {
            DateOnly date => date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            DateTimeOffset offset => offset.UtcDateTime,
            _ => System.Convert.ToDateTime(value, CultureInfo.InvariantCulture),
        };
    }

    private sealed class Primitive<T, TParser>(ColumnKind kind) : ColumnBuilder
        where T : unmanaged
        where TParser : struct, IParser<T>
    {
        private T[][] _chunks = [];

        public override ColumnKind Kind => kind;

        protected override void Grow(int chunks)
        {
            var old = _chunks.Length;
            Array.Resize(ref _chunks, chunks);
            for (var k = old; k < chunks; k++)
            {
                _chunks[k] = new T[ChunkSize];
            }
        }

        public override bool TrySet(int row, ReadOnlySpan<char> value)
        {
            if (!TParser.TryParse(value, out var parsed))
            {
                return false;
            }

            _chunks[row >> ChunkShift][row & ChunkMask] = parsed;
            return true;
        }

        public override void SetObject(int row, object value) =>
            _chunks[row >> ChunkShift][row & ChunkMask] = TParser.Convert(value);

        public override DataFrameColumn Build(string name, int length)
        {
            // One exact-size copy per column, made straight into the bytes the DataFrame keeps: the chunks and this
            // copy coexist for one column at a time, never for the whole frame.
            var size = Unsafe.SizeOf<T>();
            var bytes = new byte[(long)length * size];
            var validity = new byte[(length + 7) / 8];
            for (var k = 0; (long)k * ChunkSize < length; k++)
            {
                var count = Math.Min(ChunkSize, length - (k * ChunkSize));
                MemoryMarshal.AsBytes(_chunks[k].AsSpan(0, count)).CopyTo(bytes.AsSpan(k * ChunkSize * size));
            }

            var nulls = CountMissing(length);
            for (var row = 0; row < length; row += 8)
            {
                byte valid = 0xFF;
                for (var b = 0; b < 8 && row + b < length; b++)
                {
                    if (IsMissing(row + b))
                    {
                        valid &= (byte)~(1 << b);
                    }
                }

                validity[row >> 3] = valid;
            }

            _chunks = [];
            return kind switch
            {
                ColumnKind.Boolean => new BooleanDataFrameColumn(name, bytes, validity, length, nulls),
                ColumnKind.Int32 => new Int32DataFrameColumn(name, bytes, validity, length, nulls),
                ColumnKind.Int64 => new Int64DataFrameColumn(name, bytes, validity, length, nulls),
                ColumnKind.Double => new DoubleDataFrameColumn(name, bytes, validity, length, nulls),
                _ => new DateTimeDataFrameColumn(name, bytes, validity, length, nulls),
            };
        }
    }

    private sealed class Text : ColumnBuilder
    {
        private string?[][] _chunks = [];
        private readonly StringCache _cache = new();

        public override ColumnKind Kind => ColumnKind.String;

        protected override void Grow(int chunks)
        {
            var old = _chunks.Length;
            Array.Resize(ref _chunks, chunks);
            for (var k = old; k < chunks; k++)
            {
                _chunks[k] = new string?[ChunkSize];
            }
        }

        public override bool TrySet(int row, ReadOnlySpan<char> value)
        {
            _chunks[row >> ChunkShift][row & ChunkMask] = _cache.Get(value);
            return true;
        }

        public override void SetObject(int row, object value) =>
            _chunks[row >> ChunkShift][row & ChunkMask] = ValueParser.Format(value);

        public override DataFrameColumn Build(string name, int length)
        {
            var column = new StringDataFrameColumn(name, Values(length));
            _chunks = [];
            return column;
        }

        private IEnumerable<string?> Values(int length)
        {
            for (var row = 0; row < length; row++)
            {
                yield return IsMissing(row) ? null : _chunks[row >> ChunkShift][row & ChunkMask];
            }
        }
    }

    /// <summary>
    /// A direct-mapped cache of recent strings, so that a categorical column holds one string per distinct value
    /// instead of one per row. Lock-free: a slot is one reference, read and replaced atomically; a lost race only
    /// costs an extra string.
    /// </summary>
    private sealed class StringCache
    {
        private const int Slots = 1 << 13;
        private const int MaxLength = 64;
        private readonly string?[] _slots = new string?[Slots];

        public string Get(ReadOnlySpan<char> value)
        {
            if (value.Length > MaxLength)
            {
                return value.ToString();
            }

            var slot = string.GetHashCode(value) & (Slots - 1);
            var existing = Volatile.Read(ref _slots[slot]);
            if (existing is not null && value.SequenceEqual(existing))
            {
                return existing;
            }

            var text = value.ToString();
            Volatile.Write(ref _slots[slot], text);
            return text;
        }
    }
}
