using System.IO.Compression;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// A <see cref="DataFrame"/> as compressed bytes and back, for the places where data leaves the process or the
/// model: a model's reference sample inside its zip, a frame sent once to every cluster worker. The bytes are an
/// Arrow IPC stream (typed, nulls kept, read without parsing) compressed with Brotli at its fastest level.
/// Column types round-trip: bool, byte, int, long, float, double, DateTime (every tick, and its kind) and string;
/// other types travel as their invariant text.
/// </summary>
public static class ArrowFrames
{
    private const string TypeKey = "notebooks.ml.type";
    private const string DateTimeBinary = "datetime-binary";

    /// <summary>Writes <paramref name="frame"/> to <paramref name="destination"/> (left open).</summary>
    public static void Write(DataFrame frame, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(destination);
        using var compressed = new BrotliStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        var batch = ToRecordBatch(frame);
        using var writer = new ArrowStreamWriter(compressed, batch.Schema, leaveOpen: true);
        writer.WriteRecordBatch(batch);
        writer.WriteEnd();
    }

    /// <summary>The frame as compressed bytes (see <see cref="Write(DataFrame, Stream)"/>).</summary>
    public static byte[] ToBytes(DataFrame frame)
    {
        using var buffer = new MemoryStream();
        Write(frame, buffer);
        return buffer.ToArray();
    }

    /// <summary>Reads a frame that <see cref="Write(DataFrame, Stream)"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The bytes are not such a frame.</exception>
    public static DataFrame Read(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var decompressed = new BrotliStream(source, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new ArrowStreamReader(decompressed, leaveOpen: true);
        var columns = new List<DataFrameColumn>();
        var schema = reader.Schema ?? throw new InvalidDataException("The Arrow stream has no schema.");
        var parts = schema.FieldsList.Select(_ => new List<IArrowArray>()).ToArray();
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            for (var i = 0; i < batch.ColumnCount; i++)
            {
                parts[i].Add(batch.Column(i));
            }
        }

        for (var i = 0; i < parts.Length; i++)
        {
            var field = schema.FieldsList[i];
            columns.Add(field.Metadata is { } m && m.TryGetValue(TypeKey, out var kind) && kind == DateTimeBinary
                ? Collect(new DateTimeDataFrameColumn(field.Name, parts[i].Sum(p => p.Length)), parts[i], (Int64Array a, int row) => a.GetValue(row) is { } v ? DateTime.FromBinary(v) : null)
                : FromArrow(field.Name, field.DataType, parts[i]));
        }

        return new DataFrame(columns);
    }

    /// <summary>Reads a frame from bytes that <see cref="ToBytes"/> made.</summary>
    public static DataFrame FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return Read(stream);
    }

    private static RecordBatch ToRecordBatch(DataFrame frame)
    {
        var fields = new List<Field>();
        var arrays = new List<IArrowArray>();
        foreach (var column in frame.Columns)
        {
            var array = ToArrow(column);
            var metadata = column.DataType == typeof(DateTime) ? new Dictionary<string, string> { [TypeKey] = DateTimeBinary } : null;
            fields.Add(new Field(column.Name, array.Data.DataType, nullable: true, metadata));
            arrays.Add(array);
        }

        return new RecordBatch(new Schema(fields, null), arrays, (int)frame.Rows.Count);
    }

    private static IArrowArray ToArrow(DataFrameColumn column)
    {
        var length = (int)column.Length;
        switch (column)
        {
            case PrimitiveDataFrameColumn<bool> c:
                return Fill(new BooleanArray.Builder(), c, length, (b, v) => b.Append(v), b => b.AppendNull(), b => b.Build());
            case PrimitiveDataFrameColumn<byte> c:
                return Fill(new UInt8Array.Builder(), c, length, (b, v) => b.Append(v), b => b.AppendNull(), b => b.Build());
            case PrimitiveDataFrameColumn<int> c:
                return Fill(new Int32Array.Builder(), c, length, (b, v) => b.Append(v), b => b.AppendNull(), b => b.Build());
            case PrimitiveDataFrameColumn<long> c:
                return Fill(new Int64Array.Builder(), c, length, (b, v) => b.Append(v), b => b.AppendNull(), b => b.Build());
            case PrimitiveDataFrameColumn<float> c:
                return Fill(new FloatArray.Builder(), c, length, (b, v) => b.Append(v), b => b.AppendNull(), b => b.Build());
            case PrimitiveDataFrameColumn<double> c:
                return Fill(new DoubleArray.Builder(), c, length, (b, v) => b.Append(v), b => b.AppendNull(), b => b.Build());
            case PrimitiveDataFrameColumn<DateTime> c:
                // DateTime.ToBinary keeps every tick and the kind; the field's metadata says to read it back that way.
                return Fill(new Int64Array.Builder(), c, length, (b, v) => b.Append(v.ToBinary()), b => b.AppendNull(), b => b.Build());
            default:
                var text = new StringArray.Builder();
                for (var i = 0; i < length; i++)
                {
                    if (column[i] is { } value)
                    {
                        text.Append(value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.AppendNull();
                    }
                }

                return text.Build();
        }
    }

    private static IArrowArray Fill<TBuilder, T>(TBuilder builder, PrimitiveDataFrameColumn<T> column, int length, Action<TBuilder, T> append, Action<TBuilder> appendNull, Func<TBuilder, IArrowArray> build)
        where T : unmanaged
    {
        for (var i = 0; i < length; i++)
        {
            if (column[i] is { } value)
            {
                append(builder, value);
            }
            else
            {
                appendNull(builder);
            }
        }

        return build(builder);
    }

    private static DataFrameColumn FromArrow(string name, IArrowType type, List<IArrowArray> parts)
    {
        var length = parts.Sum(p => p.Length);
        switch (type.TypeId)
        {
            case ArrowTypeId.Boolean:
                return Collect(new BooleanDataFrameColumn(name, length), parts, (BooleanArray a, int i) => a.GetValue(i));
            case ArrowTypeId.UInt8:
                return Collect(new ByteDataFrameColumn(name, length), parts, (UInt8Array a, int i) => a.GetValue(i));
            case ArrowTypeId.Int32:
                return Collect(new Int32DataFrameColumn(name, length), parts, (Int32Array a, int i) => a.GetValue(i));
            case ArrowTypeId.Int64:
                return Collect(new Int64DataFrameColumn(name, length), parts, (Int64Array a, int i) => a.GetValue(i));
            case ArrowTypeId.Float:
                return Collect(new SingleDataFrameColumn(name, length), parts, (FloatArray a, int i) => a.GetValue(i));
            case ArrowTypeId.Double:
                return Collect(new DoubleDataFrameColumn(name, length), parts, (DoubleArray a, int i) => a.GetValue(i));
            case ArrowTypeId.String:
                var strings = new StringDataFrameColumn(name, length);
                long row = 0;
                foreach (StringArray part in parts.Cast<StringArray>())
                {
                    for (var i = 0; i < part.Length; i++, row++)
                    {
                        strings[row] = part.IsNull(i) ? null : part.GetString(i);
                    }
                }

                return strings;
            default:
                throw new InvalidDataException($"Column '{name}' has the Arrow type {type.Name}, which a DataFrame column cannot hold here.");
        }
    }

    private static PrimitiveDataFrameColumn<T> Collect<T, TArray>(PrimitiveDataFrameColumn<T> column, List<IArrowArray> parts, Func<TArray, int, T?> get)
        where T : unmanaged
        where TArray : IArrowArray
    {
        long row = 0;
        foreach (var part in parts.Cast<TArray>())
        {
            for (var i = 0; i < part.Length; i++, row++)
            {
                column[row] = get(part, i);
            }
        }

        return column;
    }
}
