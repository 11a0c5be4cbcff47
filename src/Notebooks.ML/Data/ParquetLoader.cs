using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Analysis;
using Parquet;
using Parquet.Schema;

namespace Notebooks.ML.Data;

/// <summary>
/// Reads Parquet column by column with Parquet.Net: each column chunk of each row group is decoded into one typed
/// array (values and definition levels) and copied into the DataFrame column's own buffer; dictionary-encoded text
/// becomes one string per dictionary entry (<see cref="DictionaryStrings"/>). Nothing is boxed. Files with nested columns (lists, maps, structs) or types a DataFrame
/// has no column for are left to DuckDB (<see cref="TryLoad"/> returns <see langword="null"/>).
/// </summary>
internal static class ParquetLoader
{
    /// <summary>
    /// The file as a DataFrame, or <see langword="null"/> when a column is nested or of a type read elsewhere.
    /// <paramref name="source"/> names the data in messages (the user's file, when this is a query's result).
    /// </summary>
    public static DataFrame? TryLoad(string path, LoadOptions options, string source) =>
        Task.Run(() => LoadAsync(path, options, source)).GetAwaiter().GetResult();

    private static async Task<DataFrame?> LoadAsync(string path, LoadOptions options, string source)
    {
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(path).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not NotebookException and not OutOfMemoryException)
        {
            throw Unreadable(source, e);
        }

        await using (reader.ConfigureAwait(false))
        {
            var top = reader.Schema.Fields;
            var fields = new DataField[top.Count];
            var kinds = new ColumnKind[top.Count];
            for (var c = 0; c < top.Count; c++)
            {
                if (top[c] is not DataField { IsArray: false, MaxRepetitionLevel: 0 } field || KindOf(field.ClrType) is not { } kind)
                {
                    return null;
                }

                fields[c] = field;
                kinds[c] = kind;
            }

            var names = CsvLoader.UniqueNames(fields.Select(f => f.Name).ToArray());
            var overrides = TypeOverrides.Resolve(source, names, options.Types);
            var total = 0L;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                total += reader.OpenRowGroupReader(g).RowCount;
            }

            if (total > Array.MaxLength / 8)
            {
                throw Errors.Fail($"'{source}' holds {total:N0} rows, more than a DataFrame column can hold ({Array.MaxLength / 8:N0}). Load part of it with --sql, e.g. --sql \"SELECT * FROM data LIMIT 10000000\".");
            }

            var rows = (int)total;
            var builders = kinds.Select(k => ColumnBuilder.Create(k)).ToArray();
            foreach (var builder in builders)
            {
                builder.Reserve(rows);
            }

            // Columns are independent: each core takes the next column and reads it through every row group with a
            // reader of its own (a reader is not thread-safe), writing only that column's builder. Text first: it costs most.
            var queue = new System.Collections.Concurrent.ConcurrentQueue<int>(Enumerable.Range(0, fields.Length).OrderByDescending(c => kinds[c] == ColumnKind.String));
            var workers = Math.Clamp(options.Parallelism ?? Environment.ProcessorCount, 1, Math.Max(1, fields.Length));
            try
            {
                await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
                {
                    var own = w == 0 ? reader : await ParquetReader.CreateAsync(path).ConfigureAwait(false);
                    try
                    {
                        while (queue.TryDequeue(out var c))
                        {
                            var offset = 0;
                            var strings = kinds[c] == ColumnKind.String ? new DictionaryStrings() : null;
                            for (var g = 0; g < own.RowGroupCount; g++)
                            {
                                var group = own.OpenRowGroupReader(g);
                                var count = (int)group.RowCount;
                                await ReadAsync(group, fields[c], builders[c], offset, count, strings).ConfigureAwait(false);
                                offset += count;
                            }
                        }
                    }
                    finally
                    {
                        if (w != 0)
                        {
                            await own.DisposeAsync().ConfigureAwait(false);
                        }
                    }
                }))).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not NotebookException and not OutOfMemoryException)
            {
                throw Unreadable(source, e);
            }

            var columns = builders.Select((b, i) => b.Build(names[i], rows)).ToArray();
            for (var c = 0; c < columns.Length; c++)
            {
                if (overrides[c] is { } forced && forced != kinds[c])
                {
                    columns[c] = Convert(columns[c], forced, source);
                }
            }

            return new DataFrame(columns);
        }
    }

    private static NotebookException Unreadable(string source, Exception e)
    {
        var message = e.Message.Trim();
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return Errors.Fail($"Could not read '{source}' as Parquet: {(end < 0 ? message : message[..end].Trim())}");
    }

    /// <summary>The column kind for a Parquet.Net value type, or <see langword="null"/> when DuckDB should read the file.</summary>
    private static ColumnKind? KindOf(Type type) => type switch
    {
        _ when type == typeof(bool) => ColumnKind.Boolean,
        _ when type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort) || type == typeof(int) => ColumnKind.Int32,
        _ when type == typeof(uint) || type == typeof(long) => ColumnKind.Int64,
        _ when type == typeof(ulong) || type == typeof(float) || type == typeof(double) || type == typeof(decimal) => ColumnKind.Double,
        _ when type == typeof(DateTime) => ColumnKind.DateTime,
        _ when type == typeof(ReadOnlyMemory<char>) || type == typeof(string) => ColumnKind.String,
        _ => null,
    };

    private static ValueTask ReadAsync(ParquetRowGroupReader group, DataField field, ColumnBuilder builder, int offset, int count, DictionaryStrings? strings)
    {
        var type = field.ClrType;
        return type switch
        {
            _ when type == typeof(bool) => Primitive<bool, bool>(group, field, builder, offset, count, v => v),
            _ when type == typeof(int) => Primitive<int, int>(group, field, builder, offset, count, v => v),
            _ when type == typeof(long) => Primitive<long, long>(group, field, builder, offset, count, v => v),
            _ when type == typeof(double) => Primitive<double, double>(group, field, builder, offset, count, v => v),
            _ when type == typeof(DateTime) => Primitive<DateTime, DateTime>(group, field, builder, offset, count, v => v),
            _ when type == typeof(sbyte) => Primitive<sbyte, int>(group, field, builder, offset, count, v => v),
            _ when type == typeof(byte) => Primitive<byte, int>(group, field, builder, offset, count, v => v),
            _ when type == typeof(short) => Primitive<short, int>(group, field, builder, offset, count, v => v),
            _ when type == typeof(ushort) => Primitive<ushort, int>(group, field, builder, offset, count, v => v),
            _ when type == typeof(uint) => Primitive<uint, long>(group, field, builder, offset, count, v => v),
            _ when type == typeof(ulong) => Primitive<ulong, double>(group, field, builder, offset, count, v => v),
            _ when type == typeof(float) => Primitive<float, double>(group, field, builder, offset, count, v => v),
            _ when type == typeof(decimal) => Primitive<decimal, double>(group, field, builder, offset, count, v => (double)v),
            _ => Text(group, field, builder, offset, count, strings ?? new DictionaryStrings()),
        };
    }

    /// <summary>
    /// Reads one column chunk. Parquet stores only the present values, packed, and a definition level per row
    /// (the maximum = present); the packed values are spread over the rows here, and the others marked missing.
    /// </summary>
    private static async ValueTask Primitive<TSource, TTarget>(ParquetRowGroupReader group, DataField field, ColumnBuilder builder, int offset, int count, Func<TSource, TTarget> convert)
        where TSource : unmanaged
        where TTarget : unmanaged
    {
        var values = ArrayPool<TSource>.Shared.Rent(count);
        var levels = field.MaxDefinitionLevel > 0 ? ArrayPool<int>.Shared.Rent(count) : null;
        try
        {
            await group.ReadRawAsync<TSource>(field, values.AsMemory(0, count), levels?.AsMemory(0, count), null).ConfigureAwait(false);
            Spread(values.AsSpan(0, count), levels is null ? default : levels.AsSpan(0, count), field.MaxDefinitionLevel, builder, offset, convert);
        }
        finally
        {
            ArrayPool<TSource>.Shared.Return(values);
            if (levels is not null)
            {
                ArrayPool<int>.Shared.Return(levels);
            }
        }
    }

    private static void Spread<TSource, TTarget>(ReadOnlySpan<TSource> packed, ReadOnlySpan<int> levels, int present, ColumnBuilder builder, int offset, Func<TSource, TTarget> convert)
        where TSource : unmanaged
        where TTarget : unmanaged
    {
        var target = builder.Values<TTarget>().Slice(offset, packed.Length);
        if (levels.IndexOfAnyExcept(present) < 0)
        {
            // No missing value in this chunk (the common case): the values are the rows.
            levels = default;
            if (typeof(TSource) == typeof(TTarget))
            {
                MemoryMarshal.Cast<TSource, TTarget>(packed).CopyTo(target);
                return;
            }
        }

        var next = 0;
        for (var row = 0; row < target.Length; row++)
        {
            if (!levels.IsEmpty && levels[row] != present)
            {
                builder.SetMissing(offset + row);
                continue;
            }

            target[row] = convert(packed[next++]);
        }
    }

    private static async ValueTask Text(ParquetRowGroupReader group, DataField field, ColumnBuilder builder, int offset, int count, DictionaryStrings strings)
    {
        var values = strings.Scratch(count);
        var levels = field.MaxDefinitionLevel > 0 ? ArrayPool<int>.Shared.Rent(count) : null;
        try
        {
            await group.ReadRawAsync<ReadOnlyMemory<char>>(field, values.AsMemory(0, count), levels?.AsMemory(0, count), null).ConfigureAwait(false);
            strings.Spread(values.AsSpan(0, count), levels is null ? default : levels.AsSpan(0, count), field.MaxDefinitionLevel, builder, offset);
        }
        finally
        {
            if (levels is not null)
            {
                ArrayPool<int>.Shared.Return(levels);
            }
        }
    }

    /// <summary>
    /// Text values into a column. A dictionary-encoded page (how Parquet writers store repeated text) decodes each
    /// dictionary entry into a char array of its own that every row holding it shares: such rows get one string per
    /// entry, found by the array's identity without reading its text (a table of 8,192 slots, kept for the whole
    /// column). Other values go through the column's string cache.
    /// </summary>
    private sealed class DictionaryStrings
    {
        private const int Slots = 1 << 13;
        private readonly char[]?[] _keys = new char[]?[Slots];
        private readonly string[] _strings = new string[Slots];
        private ReadOnlyMemory<char>[] _scratch = [];

        /// <summary>A buffer for one chunk's values, reused through the column (not pooled: it holds references).</summary>
        public ReadOnlyMemory<char>[] Scratch(int count) => _scratch.Length >= count ? _scratch : _scratch = new ReadOnlyMemory<char>[count];

        public void Spread(ReadOnlySpan<ReadOnlyMemory<char>> packed, ReadOnlySpan<int> levels, int present, ColumnBuilder builder, int offset)
        {
            var next = 0;
            var misses = 0;
            var rows = levels.IsEmpty ? packed.Length : levels.Length;
            if (levels.IndexOfAnyExcept(present) < 0)
            {
                levels = default;
            }

            var target = builder.Texts().Slice(offset, rows);
            for (var row = 0; row < target.Length; row++)
            {
                if (!levels.IsEmpty && levels[row] != present)
                {
                    target[row] = null;
                    continue;
                }

                var value = packed[next++];
                // Arrays that are not shared (a page of distinct values) would each miss: the text cache handles those.
                if ((misses < 256 || misses < next / 4) && MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length && segment.Count > 0)
                {
                    var array = segment.Array;
                    var slot = RuntimeHelpers.GetHashCode(array) & (Slots - 1);
                    if (!ReferenceEquals(_keys[slot], array))
                    {
                        misses++;
                        _keys[slot] = array;
                        _strings[slot] = new string(array);
                    }

                    target[row] = _strings[slot];
                }
                else
                {
                    builder.TrySet(offset + row, value.Span);
                }
            }
        }
    }

    /// <summary>A column read with its own type, converted to the one <c>--types</c> asks for, through its invariant text.</summary>
    private static DataFrameColumn Convert(DataFrameColumn column, ColumnKind kind, string source)
    {
        var rows = (int)column.Length;
        var builder = ColumnBuilder.Create(kind);
        builder.Reserve(rows);
        for (var row = 0; row < rows; row++)
        {
            if (column[row] is not { } value)
            {
                builder.SetMissing(row);
                continue;
            }

            var text = ValueParser.Format(value);
            if (!builder.TrySet(row, text))
            {
                throw Errors.Fail($"Row {row + 1} of '{source}', column '{column.Name}': '{text}' is not a valid {CsvLoader.KindName(kind)} (set by --types).");
            }
        }

        return builder.Build(column.Name, rows);
    }
}
