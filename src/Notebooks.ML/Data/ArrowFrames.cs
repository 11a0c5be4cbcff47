using System.IO.Compression;
using Apache.Arrow.Ipc;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// A DataFrame as compressed Arrow IPC bytes and back: how a frame travels to cluster workers.
/// (A stand-in with the API the engine's own ArrowFrames will have; the cluster only calls <see cref="Write"/> and <see cref="Read"/>.)
/// </summary>
public static class ArrowFrames
{
    /// <summary>Writes <paramref name="frame"/> to <paramref name="stream"/> as an Arrow IPC stream, compressed.</summary>
    public static void Write(DataFrame frame, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(frame);
        using var compressed = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        ArrowStreamWriter? writer = null;
        try
        {
            foreach (var batch in frame.ToArrowRecordBatches())
            {
                writer ??= new ArrowStreamWriter(compressed, batch.Schema, leaveOpen: true);
                writer.WriteRecordBatch(batch);
            }

            writer?.WriteEnd();
        }
        finally
        {
            writer?.Dispose();
        }
    }

    /// <summary>Reads a frame that <see cref="Write"/> wrote; text columns come back as <see cref="StringDataFrameColumn"/>s.</summary>
    public static DataFrame Read(Stream stream)
    {
        using var decompressed = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new ArrowStreamReader(decompressed, leaveOpen: true);
        var parts = new List<DataFrame>();
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            parts.Add(DataFrame.FromArrowRecordBatch(batch));
        }

        if (parts.Count == 0)
        {
            return new DataFrame();
        }

        var frame = new DataFrame(parts[0].Columns.Select(Text));
        foreach (var part in parts.Skip(1))
        {
            // A frame spans several batches only beyond a column buffer's size (rare): appending row by row is enough.
            frame.Append(new DataFrame(part.Columns.Select(Text)).Rows, inPlace: true);
        }

        return frame;
    }

    private static DataFrameColumn Text(DataFrameColumn column) =>
        column is ArrowStringDataFrameColumn text
            ? new StringDataFrameColumn(text.Name, Enumerable.Range(0, (int)text.Length).Select(i => text[i]))
            : column;
}
