using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using nietras.SeparatedValues;

namespace Notebooks.ML.Data;

internal static partial class CsvLoader
{
    private sealed partial class Fill
    {
        /// <summary>Rows per batch: a multiple of 64, so two batches never share a word of a missing-value bitmap.</summary>
        private const int BatchRows = 8_192;

        /// <summary>
        /// This thread runs Sep (finding rows and fields is fast and sequential by nature) and copies each batch of
        /// rows' field text into a reusable buffer; worker threads parse batches into the builders at the batches'
        /// row offsets. Only a few batches are in flight at once, so memory stays a few megabytes above the columns.
        /// Errors are reported for the first bad row in file order, whichever thread met it.
        /// </summary>
        private void ReadParallel(SepReader reader, int? parallelism)
        {
            var columns = _names.Length;
            // This thread keeps one core busy with Sep; the others parse. A couple of spare batches keep both sides fed.
            var workers = Math.Clamp((parallelism ?? Environment.ProcessorCount) - 1, 1, 8);
            using var slots = new SemaphoreSlim(workers + 2);
            var pool = new ConcurrentBag<Batch>();
            var tasks = new List<Task>();
            var failures = new ConcurrentBag<(int Row, Exception Error)>();
            var batch = Rent(pool, columns);
            try
            {
                foreach (var row in reader)
                {
                    if (row.ColCount == 1 && IsBlank(row))
                    {
                        Blank++;
                        continue;
                    }

                    var index = Rows++;
                    if (index >= _capacity)
                    {
                        // Growing moves the columns: only this thread does it, and only once no batch is being parsed.
                        Task.WaitAll(tasks);
                        Reserve(index + 1);
                    }

                    var raw = row.Span;
                    if (raw.Contains('"'))
                    {
                        CheckQuotes(raw, row.LineNumberFrom, reader.Spec.Sep.Separator);
                    }

                    if (row.ColCount != columns)
                    {
                        throw Ragged(row.LineNumberFrom, row.ColCount);
                    }

                    batch.Add(row, index, _parse);
                    if (batch.Count == BatchRows)
                    {
                        slots.Wait();
                        tasks.Add(Dispatch(batch, pool, slots, failures));
                        batch = Rent(pool, columns);
                    }
                }

                if (batch.Count > 0)
                {
                    slots.Wait();
                    tasks.Add(Dispatch(batch, pool, slots, failures));
                }
            }
            catch (NotebookException)
            {
                // A bad row found while reading: a worker may have met an earlier one; that one is reported first.
                Task.WaitAll(tasks);
                ThrowFirst(failures);
                throw;
            }

            Task.WaitAll(tasks);
            ThrowFirst(failures);
        }

        private static void ThrowFirst(ConcurrentBag<(int Row, Exception Error)> failures)
        {
            if (!failures.IsEmpty)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures.MinBy(f => f.Row).Error);
            }
        }

        private static Batch Rent(ConcurrentBag<Batch> pool, int columns) =>
            pool.TryTake(out var batch) ? batch : new Batch(columns);

        private Task Dispatch(Batch batch, ConcurrentBag<Batch> pool, SemaphoreSlim slots, ConcurrentBag<(int Row, Exception Error)> failures) =>
            Task.Run(() =>
            {
                try
                {
                    Parse(batch, failures);
                }
                finally
                {
                    batch.Clear();
                    pool.Add(batch);
                    slots.Release();
                }
            });

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Parse(Batch batch, ConcurrentBag<(int Row, Exception Error)> failures)
        {
            var columns = _names.Length;
            var text = batch.Text.AsSpan();
            for (var r = 0; r < batch.Count; r++)
            {
                var index = batch.First + r;
                var ends = batch.Ends.AsSpan(r * columns, columns);
                var start = r == 0 ? 0 : batch.Ends[(r * columns) - 1];
                for (var c = 0; c < columns; c++)
                {
                    var end = ends[c];
                    if (_parse[c])
                    {
                        try
                        {
                            Set(c, index, text[start..end], batch.Lines[r]);
                        }
                        catch (NotebookException e)
                        {
                            failures.Add((index, e));
                            return;
                        }
                    }

                    start = end;
                }
            }
        }

        /// <summary>The field text of up to <see cref="BatchRows"/> rows, back to back, with where each field ends.</summary>
        private sealed class Batch(int columns)
        {
            public char[] Text { get; private set; } = new char[BatchRows * columns * 16];

            public int[] Ends { get; } = new int[BatchRows * columns];

            public int[] Lines { get; } = new int[BatchRows];

            public int First { get; private set; }

            public int Count { get; private set; }

            private int _length;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Add(SepReader.Row row, int index, bool[] parse)
            {
                if (Count == 0)
                {
                    First = index;
                }

                var offset = Count * columns;
                for (var c = 0; c < columns; c++)
                {
                    if (parse[c])
                    {
                        var span = row[c].Span;
                        if (_length + span.Length > Text.Length)
                        {
                            var bigger = new char[Math.Max(Text.Length * 2, _length + span.Length)];
                            Text.AsSpan(0, _length).CopyTo(bigger);
                            Text = bigger;
                        }

                        span.CopyTo(Text.AsSpan(_length));
                        _length += span.Length;
                    }

                    Ends[offset + c] = _length;
                }

                Lines[Count++] = row.LineNumberFrom;
            }

            public void Clear()
            {
                Count = 0;
                _length = 0;
            }
        }
    }
}
