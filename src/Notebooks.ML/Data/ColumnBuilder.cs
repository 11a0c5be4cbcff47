using System.Runtime.InteropServices;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// Collects the parsed values of one column into a typed buffer and a validity bitmap, then hands them to a
/// <see cref="DataFrameColumn"/> without another copy of the text.
/// </summary>
internal abstract class ColumnBuilder
{
    public abstract ColumnKind Kind { get; }

    public int Count { get; protected set; }

    public int NullCount { get; protected set; }

    /// <summary>Appends a present value; false when it does not parse as <see cref="Kind"/> (nothing is appended then).</summary>
    public abstract bool TryAppend(ReadOnlySpan<char> value);

    public abstract void AppendMissing();

    public abstract DataFrameColumn Build(string name);

    public static ColumnBuilder Create(ColumnKind kind, int capacity) => kind switch
    {
        ColumnKind.Boolean => new Primitive<bool>(kind, capacity, ValueParser.TryBoolean, (n, b, v, c, nc) => new BooleanDataFrameColumn(n, b, v, c, nc)),
        ColumnKind.Int32 => new Primitive<int>(kind, capacity, ValueParser.TryInt32, (n, b, v, c, nc) => new Int32DataFrameColumn(n, b, v, c, nc)),
        ColumnKind.Int64 => new Primitive<long>(kind, capacity, ValueParser.TryInt64, (n, b, v, c, nc) => new Int64DataFrameColumn(n, b, v, c, nc)),
        ColumnKind.Double => new Primitive<double>(kind, capacity, ValueParser.TryDouble, (n, b, v, c, nc) => new DoubleDataFrameColumn(n, b, v, c, nc)),
        ColumnKind.DateTime => new Primitive<DateTime>(kind, capacity, ValueParser.TryDateTime, (n, b, v, c, nc) => new DateTimeDataFrameColumn(n, b, v, c, nc)),
        _ => new Text(capacity),
    };

    internal delegate bool Parse<T>(ReadOnlySpan<char> value, out T result);

    private sealed class Primitive<T>(
        ColumnKind kind,
        int capacity,
        Parse<T> parse,
        Func<string, ReadOnlyMemory<byte>, ReadOnlyMemory<byte>, int, int, DataFrameColumn> create) : ColumnBuilder
        where T : unmanaged
    {
        private T[] _values = new T[Math.Max(16, capacity)];
        private byte[] _validity = new byte[(Math.Max(16, capacity) + 7) / 8];

        public override ColumnKind Kind => kind;

        public override bool TryAppend(ReadOnlySpan<char> value)
        {
            if (!parse(value, out var parsed))
            {
                return false;
            }

            EnsureCapacity();
            _values[Count] = parsed;
            _validity[Count >> 3] |= (byte)(1 << (Count & 7));
            Count++;
            return true;
        }

        public override void AppendMissing()
        {
            EnsureCapacity();
            Count++;
            NullCount++;
        }

        private void EnsureCapacity()
        {
            if (Count < _values.Length)
            {
                return;
            }

            var size = checked(_values.Length * 2);
            Array.Resize(ref _values, size);
            Array.Resize(ref _validity, (size + 7) / 8);
        }

        public override DataFrameColumn Build(string name)
        {
            var bytes = MemoryMarshal.AsBytes(_values.AsSpan(0, Count)).ToArray();
            var validity = _validity.AsSpan(0, (Count + 7) / 8).ToArray();
            _values = [];
            _validity = [];
            return create(name, bytes, validity, Count, NullCount);
        }
    }

    private sealed class Text(int capacity) : ColumnBuilder
    {
        private readonly List<string?> _values = new(capacity);
        // Categorical text repeats; sharing one string per distinct value keeps memory near the distinct count.
        private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);

        public override ColumnKind Kind => ColumnKind.String;

        public override bool TryAppend(ReadOnlySpan<char> value)
        {
            _values.Add(Intern(value));
            Count++;
            return true;
        }

        private string Intern(ReadOnlySpan<char> value)
        {
            if (_pool.Count > 100_000)
            {
                return value.ToString();
            }

            var lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(value, out var existing))
            {
                return existing;
            }

            var text = value.ToString();
            _pool[text] = text;
            return text;
        }

        public override void AppendMissing()
        {
            _values.Add(null);
            Count++;
            NullCount++;
        }

        public override DataFrameColumn Build(string name) => new StringDataFrameColumn(name, _values);
    }
}
