using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// Collects the parsed values of one column by row index, then hands them to a <see cref="DataFrameColumn"/>.
/// Numbers, booleans and dates are written straight into the byte buffer and validity bitmap that the DataFrame
/// column then keeps, so building the column copies nothing. Rows are set by index so that several threads can
/// fill different rows at once: only <see cref="Reserve"/> reallocates (one thread, while no other is writing), and
/// threads that own different multiples of 8 rows never share a byte of the validity bitmap.
/// </summary>
internal abstract class ColumnBuilder
{
    public abstract ColumnKind Kind { get; }

    /// <summary>How many rows can be set without <see cref="Reserve"/>.</summary>
    public int Capacity { get; private set; }

    /// <summary>Makes rows <c>[0, rows)</c> settable; grows by half again when it must, to keep copies rare.</summary>
    public void Reserve(int rows)
    {
        if (rows <= Capacity)
        {
            return;
        }

        var capacity = (int)Math.Min(Array.MaxLength - 64, Math.Max(rows, Capacity + (Capacity / 2L)));
        capacity = (capacity + 63) & ~63;
        Resize(capacity);
        Capacity = capacity;
    }

    protected abstract void Resize(int capacity);

    /// <summary>
    /// Writes to every page of the column's storage once, without changing any value, so that the operating system
    /// maps the pages now (on the thread that calls this) rather than when the parser first stores into each one.
    /// Safe while another thread fills the column: each touch is an atomic compare-and-swap of zero with zero.
    /// </summary>
    public abstract void Touch(CancellationToken cancellation);

    /// <summary>One atomic no-op write per 4 KiB page of <paramref name="bytes"/>: it faults the page in writable.</summary>
    protected static void TouchPages(Span<byte> bytes, CancellationToken cancellation)
    {
        const int Page = 4096;
        ref var start = ref MemoryMarshal.GetReference(bytes);
        for (var offset = 0; offset + sizeof(int) <= bytes.Length; offset += Page)
        {
            if ((offset & ((Page * 256) - 1)) == 0 && cancellation.IsCancellationRequested)
            {
                return;
            }

            Interlocked.CompareExchange(ref Unsafe.As<byte, int>(ref Unsafe.Add(ref start, offset)), 0, 0);
        }
    }

    /// <summary>Stores a present value; false when it does not parse as <see cref="Kind"/> (the row is left unset then).</summary>
    public abstract bool TrySet(int row, ReadOnlySpan<char> value);

    /// <summary>Stores a value read by a typed reader (a database, a C# expression); it must convert to <see cref="Kind"/>.</summary>
    public abstract void SetObject(int row, object value);

    public abstract void SetMissing(int row);

    /// <summary>
    /// The values of a number, boolean or date column as <typeparamref name="T"/> (its element type), for columnar
    /// readers that store many rows at once; rows written here are present unless <see cref="SetMissing"/> says not.
    /// </summary>
    public virtual Span<T> Values<T>()
        where T : unmanaged => throw new InvalidOperationException($"A {Kind} column does not store {typeof(T).Name} values.");

    /// <summary>Stores a value of the column's own type (<see cref="ColumnKind.Int32"/> here); a typed reader's fast path.</summary>
    public virtual void Set(int row, int value) => throw new InvalidOperationException($"A {Kind} column does not store int values.");

    /// <summary>Stores a value of the column's own type (<see cref="ColumnKind.Int64"/>).</summary>
    public virtual void Set(int row, long value) => throw new InvalidOperationException($"A {Kind} column does not store long values.");

    /// <summary>Stores a value of the column's own type (<see cref="ColumnKind.Double"/>).</summary>
    public virtual void Set(int row, double value) => throw new InvalidOperationException($"A {Kind} column does not store double values.");

    /// <summary>The missing-value bitmap of a number, boolean or date column (bit set = present), one bit per row.</summary>
    public virtual ReadOnlySpan<byte> Validity() => throw new InvalidOperationException($"A {Kind} column has no validity bitmap.");

    /// <summary>The values of a text column (<see cref="ColumnKind.String"/>), for readers that made the strings themselves.</summary>
    public virtual Span<string?> Texts() => throw new InvalidOperationException($"A {Kind} column does not store text.");

    /// <summary>Stores a value of the column's own type (<see cref="ColumnKind.Boolean"/>).</summary>
    public virtual void Set(int row, bool value) => throw new InvalidOperationException($"A {Kind} column does not store bool values.");

    /// <summary>The finished column of the first <paramref name="length"/> rows; the builder is empty afterwards.</summary>
    public abstract DataFrameColumn Build(string name, int length);

    /// <summary>
    /// A builder for <paramref name="kind"/>. With <paramref name="everyRowIsSet"/>, the caller promises to store a
    /// value or <see cref="SetMissing"/> in every row it builds, so number, boolean and date buffers are allocated
    /// without being cleared first (the server GC that dotnet-interactive runs clears a large array on the allocating
    /// thread, a fifth of a large CSV load) and a missing row's value is written as zero.
    /// </summary>
    public static ColumnBuilder Create(ColumnKind kind, bool everyRowIsSet = false) => kind switch
    {
        ColumnKind.Boolean => new Primitive<bool, BooleanParser>(kind, everyRowIsSet),
        ColumnKind.Int32 => new Primitive<int, Int32Parser>(kind, everyRowIsSet),
        ColumnKind.Int64 => new Primitive<long, Int64Parser>(kind, everyRowIsSet),
        ColumnKind.Double => new Primitive<double, DoubleParser>(kind, everyRowIsSet),
        ColumnKind.DateTime => new Primitive<DateTime, DateTimeParser>(kind, everyRowIsSet),
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

    private sealed class Primitive<T, TParser>(ColumnKind kind, bool everyRowIsSet) : ColumnBuilder
        where T : unmanaged
        where TParser : struct, IParser<T>
    {
        // The DataFrame's own layout: values as raw bytes, and one validity bit per row (1 = present).
        private byte[] _bytes = [];
        private byte[] _validity = [];

        public override ColumnKind Kind => kind;

        protected override void Resize(int capacity)
        {
            var old = _validity.Length;
            if (everyRowIsSet)
            {
                var bytes = GC.AllocateUninitializedArray<byte>(capacity * Unsafe.SizeOf<T>());
                _bytes.CopyTo(bytes.AsSpan());
                _bytes = bytes;
            }
            else
            {
                Array.Resize(ref _bytes, capacity * Unsafe.SizeOf<T>());
            }

            Array.Resize(ref _validity, capacity / 8);
            _validity.AsSpan(old).Fill(0xFF);
        }

        public override void Touch(CancellationToken cancellation) => TouchPages(_bytes, cancellation);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool TrySet(int row, ReadOnlySpan<char> value)
        {
            if (!TParser.TryParse(value, out var parsed))
            {
                return false;
            }

            Typed[row] = parsed;
            return true;
        }

        public override void SetObject(int row, object value) => Typed[row] = TParser.Convert(value);

        public override void SetMissing(int row)
        {
            _validity[row >> 3] &= (byte)~(1 << (row & 7));
            if (everyRowIsSet)
            {
                Typed[row] = default;
            }
        }

        public override void Set(int row, int value) => Store(row, value);

        public override void Set(int row, long value) => Store(row, value);

        public override void Set(int row, double value) => Store(row, value);

        public override void Set(int row, bool value) => Store(row, value);

        // The JIT keeps only the branch for T: a plain store.
        private void Store<TValue>(int row, TValue value)
            where TValue : unmanaged
        {
            if (typeof(TValue) == typeof(T))
            {
                Typed[row] = Unsafe.As<TValue, T>(ref value);
            }
            else
            {
                base.Values<TValue>();
            }
        }

        public override Span<TValue> Values<TValue>() =>
            typeof(TValue) == typeof(T) ? MemoryMarshal.Cast<byte, TValue>(_bytes.AsSpan()) : base.Values<TValue>();

        private Span<T> Typed => MemoryMarshal.Cast<byte, T>(_bytes.AsSpan());

        public override ReadOnlySpan<byte> Validity() => _validity;

        public override DataFrameColumn Build(string name, int length)
        {
            Reserve(length);
            var bytes = new ReadOnlyMemory<byte>(_bytes, 0, length * Unsafe.SizeOf<T>());
            var validity = new ReadOnlyMemory<byte>(_validity, 0, (length + 7) / 8);
            var nulls = CountMissing(validity.Span, length);
            _bytes = [];
            _validity = [];
            return kind switch
            {
                ColumnKind.Boolean => new BooleanDataFrameColumn(name, bytes, validity, length, nulls),
                ColumnKind.Int32 => new Int32DataFrameColumn(name, bytes, validity, length, nulls),
                ColumnKind.Int64 => new Int64DataFrameColumn(name, bytes, validity, length, nulls),
                ColumnKind.Double => new DoubleDataFrameColumn(name, bytes, validity, length, nulls),
                _ => new DateTimeDataFrameColumn(name, bytes, validity, length, nulls),
            };
        }

        private static int CountMissing(ReadOnlySpan<byte> validity, int length)
        {
            var present = 0;
            for (var i = 0; i < validity.Length; i++)
            {
                var bits = validity[i];
                var rows = Math.Min(8, length - (i * 8));
                present += BitOperations.PopCount((uint)(rows == 8 ? bits : bits & ((1 << rows) - 1)));
            }

            return length - present;
        }
    }

    private sealed class Text : ColumnBuilder
    {
        // A list from the start, so that the finished column takes it as its storage without a copy.
        private List<string?> _values = [];
        private readonly StringCache _cache = new();

        public override ColumnKind Kind => ColumnKind.String;

        protected override void Resize(int capacity)
        {
            _values.Capacity = capacity;
            CollectionsMarshal.SetCount(_values, capacity);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool TrySet(int row, ReadOnlySpan<char> value)
        {
            CollectionsMarshal.AsSpan(_values)[row] = _cache.Get(value);
            return true;
        }

        public override Span<string?> Texts() => CollectionsMarshal.AsSpan(_values);

        public override void Touch(CancellationToken cancellation)
        {
            // 512 references to a page; a compare-and-swap of null with null changes nothing the parser stored.
            var values = CollectionsMarshal.AsSpan(_values);
            for (var i = 0; i < values.Length; i += 512)
            {
                if ((i & ((512 * 256) - 1)) == 0 && cancellation.IsCancellationRequested)
                {
                    return;
                }

                Interlocked.CompareExchange(ref values[i], null, null);
            }
        }

        public override void SetObject(int row, object value) => CollectionsMarshal.AsSpan(_values)[row] = ValueParser.Format(value);

        public override void SetMissing(int row) => CollectionsMarshal.AsSpan(_values)[row] = null;

        public override DataFrameColumn Build(string name, int length)
        {
            Reserve(length);
            CollectionsMarshal.SetCount(_values, length);
            var column = StringColumns.Create(name, _values);
            _values = [];
            return column;
        }
    }

    /// <summary>
    /// A two-way cache of recent strings, so that a categorical column holds one string per distinct value instead
    /// of one per row. Each value has two possible slots, so that two frequent values whose hashes collide do not
    /// evict each other on every row. Lock-free: a slot is one reference, read and replaced atomically; a lost race
    /// only costs an extra string.
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

            var hash = string.GetHashCode(value);
            var first = hash & (Slots - 1);
            var second = (hash >>> 13) & (Slots - 1);
            var a = Volatile.Read(ref _slots[first]);
            if (a is not null && value.SequenceEqual(a))
            {
                return a;
            }

            var b = Volatile.Read(ref _slots[second]);
            if (b is not null && value.SequenceEqual(b))
            {
                return b;
            }

            var text = value.ToString();
            Volatile.Write(ref _slots[a is null || b is not null ? first : second], text);
            return text;
        }
    }
}
