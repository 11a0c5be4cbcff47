using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Notebooks.ML.Training;

/// <summary>
/// The columns ML.NET trains on, as plain arrays behind a minimal <see cref="IDataView"/>. A DataFrame is an
/// IDataView too, but its cursor reads every value through a nullable indexer; on 200,000 × 20 that made each pass
/// over the data cost about a second, which the benchmark against a hand-written pipeline showed.
/// </summary>
internal sealed class ColumnTable : IDataView
{
    private readonly object[] _columns;
    private readonly IReadOnlyList<(string Name, Array Values)> _source;
    private readonly string? _vectorName;
    private readonly string[] _vectorSlots;

    /// <summary>
    /// A table of <paramref name="columns"/>; those named in <paramref name="vectorSlots"/> (float arrays) are
    /// served together as one vector column <paramref name="vectorName"/>, which spares ML.NET a Concatenate pass.
    /// </summary>
    public ColumnTable(IReadOnlyList<(string Name, Array Values)> columns, string? vectorName = null, IReadOnlyList<string>? vectorSlots = null)
    {
        _source = columns;
        _vectorName = vectorName;
        _vectorSlots = vectorSlots?.ToArray() ?? [];
        var builder = new DataViewSchema.Builder();
        var arrays = new List<object>();
        var vectorAdded = false;
        foreach (var (name, values) in columns)
        {
            if (vectorName is not null && _vectorSlots.Contains(name))
            {
                if (!vectorAdded)
                {
                    builder.AddColumn(vectorName, new VectorDataViewType(NumberDataViewType.Single, _vectorSlots.Length));
                    arrays.Add(Array.Empty<float[]>());
                    vectorAdded = true;
                }

                continue;
            }

            builder.AddColumn(name, values switch
            {
                float[] => NumberDataViewType.Single,
                bool[] => BooleanDataViewType.Instance,
                ReadOnlyMemory<char>[] => TextDataViewType.Instance,
                _ => throw new ArgumentException($"Unsupported column type {values.GetType()}", nameof(columns)),
            });
            arrays.Add(values);
        }

        if (vectorAdded)
        {
            var byName = columns.ToDictionary(c => c.Name, c => c.Values);
            var slots = _vectorSlots.Select(n => (float[])byName[n]).ToArray();
            arrays[arrays.FindIndex(a => a is float[][])] = new RowMajor(slots);
        }

        Schema = builder.ToSchema();
        _columns = arrays.ToArray();
        Rows = columns.Count == 0 ? 0 : columns[0].Values.Length;
    }

    public int Rows { get; }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => Rows;

    /// <summary>A copy with some columns' values reordered (the same order for all of them): permutation importance.</summary>
    public ColumnTable Permuted(IReadOnlyCollection<string> names, int[] order) =>
        new(_source.Select(c => (c.Name, names.Contains(c.Name) ? Reorder(c.Values, order) : c.Values)).ToArray(), _vectorName, _vectorSlots);

    private static Array Reorder(Array values, int[] order) => values switch
    {
        float[] f => order.Select(i => f[i]).ToArray(),
        bool[] b => order.Select(i => b[i]).ToArray(),
        ReadOnlyMemory<char>[] t => order.Select(i => t[i]).ToArray(),
        _ => throw new ArgumentException($"Unsupported column type {values.GetType()}", nameof(values)),
    };

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(ColumnTable table, IEnumerable<DataViewSchema.Column> needed) : DataViewRowCursor
    {
        private readonly HashSet<int> _active = needed.Select(c => c.Index).ToHashSet();
        private int _position = -1;

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => table.Schema;

        public override bool MoveNext()
        {
            if (_position + 1 < table.Rows)
            {
                _position++;
                return true;
            }

            _position = table.Rows;
            return false;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            Delegate getter = table._columns[column.Index] switch
            {
                float[] f => (ValueGetter<float>)((ref float value) => value = f[_position]),
                bool[] b => (ValueGetter<bool>)((ref bool value) => value = b[_position]),
                ReadOnlyMemory<char>[] t => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = t[_position]),
                RowMajor v => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, v.Width);
                    v.Row(_position).CopyTo(editor.Values);
                    value = editor.Commit();
                }),
                _ => throw new InvalidOperationException($"No getter for column {column.Name}"),
            };
            return getter as ValueGetter<TValue>
                   ?? throw new InvalidOperationException($"Column {column.Name} is {column.Type}, not {typeof(TValue).Name}.");
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);
    }
}

/// <summary>The numeric slots laid out row by row, so that serving a row's vector is one copy.</summary>
internal sealed class RowMajor
{
    private readonly float[] _values;

    public RowMajor(float[][] slots)
    {
        Width = slots.Length;
        var rows = slots.Length == 0 ? 0 : slots[0].Length;
        _values = new float[rows * Width];
        for (var j = 0; j < Width; j++)
        {
            var slot = slots[j];
            for (var r = 0; r < rows; r++)
            {
                _values[(r * Width) + j] = slot[r];
            }
        }
    }

    public int Width { get; }

    public ReadOnlySpan<float> Row(int row) => _values.AsSpan(row * Width, Width);
}

/// <summary>Reads DataFrame columns into arrays without going through the nullable indexer.</summary>
internal static class FastColumns
{
    /// <summary>The values of <paramref name="rows"/> as floats, NaN where missing.</summary>
    public static float[] Floats(DataFrameColumn column, int[] rows)
    {
        var all = column switch
        {
            SingleDataFrameColumn c => Read(c, v => v),
            DoubleDataFrameColumn c => Read(c, v => (float)v),
            Int32DataFrameColumn c => Read(c, v => v),
            Int64DataFrameColumn c => Read(c, v => v),
            _ => Data.Columns.AsDoubles(column).Select(v => (float)v).ToArray(),
        };
        if (rows.Length == all.Length && (rows.Length == 0 || (rows[0] == 0 && rows[^1] == rows.Length - 1)))
        {
            return all;
        }

        var result = new float[rows.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            result[r] = all[rows[r]];
        }

        return result;
    }

    private static float[] Read<T>(PrimitiveDataFrameColumn<T> column, Func<T, float> convert)
        where T : unmanaged
    {
        var result = new float[column.Length];
        var offset = 0;
        using var bitmaps = column.GetReadOnlyNullBitMapBuffers().GetEnumerator();
        foreach (var buffer in column.GetReadOnlyDataBuffers())
        {
            var valid = bitmaps.MoveNext() ? bitmaps.Current.Span : default;
            var values = buffer.Span;
            for (var i = 0; i < values.Length; i++)
            {
                var present = valid.Length == 0 || (valid[i >> 3] & (1 << (i & 7))) != 0;
                result[offset + i] = present ? convert(values[i]) : float.NaN;
            }

            offset += values.Length;
        }

        return result;
    }
}
