using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Analysis;
using nietras.SeparatedValues;

namespace Notebooks.ML.Data;

/// <summary>
/// Reads delimited text with Sep straight into typed columns. Types are guessed from the first rows; a value later
/// in the file that breaks a guess widens that column (int → long → double → string), the rest of the file is only
/// scanned for that column, and only the widened columns are read again, so nothing is ever silently corrupted and
/// the text is never held in memory: Sep streams it, and the columns hold parsed values.
/// </summary>
internal static partial class CsvLoader
{
    private const int InferenceRows = 2_000;

    /// <summary>
    /// Loads delimited text; <paramref name="parallel"/> forces or forbids the multi-core path (tests), else the options
    /// and the file's size decide. What the card should know about the reading (blank lines skipped, the encoding
    /// guessed) is added to <paramref name="notes"/>.
    /// </summary>
    public static DataFrame Load(string path, LoadOptions options, List<string> notes, bool? parallel = null) =>
        Load(path, options, notes, new StrongBox<IReadOnlyList<ColumnSummary>?>(), parallel);

    /// <summary>
    /// Loads delimited text, and puts the card's statistics of every column in <paramref name="summaries"/> when they
    /// were taken while parsing (on another core, see <see cref="Fill.Read"/>); it stays null otherwise.
    /// </summary>
    public static DataFrame Load(string path, LoadOptions options, List<string> notes, StrongBox<IReadOnlyList<ColumnSummary>?> summaries, bool? parallel = null)
    {
        ArgumentNullException.ThrowIfNull(notes);
        ArgumentNullException.ThrowIfNull(summaries);
        if (TextEncodings.Resolve(options.Encoding) is { } encoding)
        {
            return Load(path, options, encoding, notes, summaries, parallel);
        }

        try
        {
            return Load(path, options, TextEncodings.StrictUtf8, notes, summaries, parallel);
        }
        catch (DecoderFallbackException)
        {
            // Excel and older Windows programs write CSV in Windows-1252: read it so, and say so.
            notes.Add(TextEncodings.NotUtf8Note(path));
            return Load(path, options, TextEncodings.Windows1252, notes, summaries, parallel);
        }
    }

    /// <summary>Loads delimited text without keeping the notes (tests).</summary>
    public static DataFrame Load(string path, LoadOptions options, bool? parallel = null) => Load(path, options, [], parallel);

    private static DataFrame Load(string path, LoadOptions options, Encoding encoding, List<string> notes, StrongBox<IReadOnlyList<ColumnSummary>?> summaries, bool? parallel)
    {
        var separator = options.Separator ?? (IsTsv(path, options) ? '\t' : DetectSeparator(path, encoding));
        try
        {
            return Load(path, options, encoding, separator, notes, summaries, parallel);
        }
        catch (NotSupportedException)
        {
            // Sep holds a row in one buffer of at most 16 MB: name the row and the field that outgrew it.
            throw LongRows.Diagnose(path, encoding, separator, options.NoHeader);
        }
    }

    private static DataFrame Load(string path, LoadOptions options, Encoding encoding, char separator, List<string> notes, StrongBox<IReadOnlyList<ColumnSummary>?> summaries, bool? parallel)
    {
        summaries.Value = null;
        var useParallel = parallel ?? ((options.Parallelism ?? Environment.ProcessorCount) >= MinimumParallelCores && new FileInfo(path).Length >= ParallelThreshold);
        var readerOptions = ReaderOptions(separator);
        var fileName = Path.GetFileName(path);
        var (names, inferred, charsPerRow) = ReadHeaderAndInfer(path, readerOptions, options, encoding);
        var estimate = EstimateRows(path, charsPerRow);
        var overrides = TypeOverrides.Resolve(fileName, names, options.Types);
        var kinds = inferred.Select((k, i) => overrides[i] ?? k).ToArray();

        var fill = new Fill(fileName, names, kinds, overrides, Enumerable.Repeat(true, names.Length).ToArray(), skipHeader: !options.NoHeader, options.Parallelism);
        fill.Reserve(estimate);
        using (var reader = Open(path, readerOptions, encoding))
        using (fill.TouchAhead())
        {
            fill.Read(reader, useParallel);
        }

        if (fill.Widened.Any(w => w))
        {
            // Read again, parsing only the columns whose guess broke, now with their final (widened) kinds.
            var again = new Fill(fileName, names, fill.Kinds, overrides, fill.Widened, skipHeader: !options.NoHeader, options.Parallelism);
            again.Reserve(fill.Rows);
            using var reader = Open(path, readerOptions, encoding);
            again.Read(reader, useParallel);
            for (var c = 0; c < names.Length; c++)
            {
                if (fill.Widened[c])
                {
                    fill.Builders[c] = again.Builders[c]!;
                }
            }
        }

        if (fill.Blank > 0)
        {
            notes.Add($"skipped {fill.Blank:N0} blank line{(fill.Blank == 1 ? "" : "s")}");
        }

        var stats = fill.Widened.Any(w => w) ? null : fill.TakeStatistics();
        var frame = new DataFrame(fill.Builders.Select((b, i) => b!.Build(names[i], fill.Rows)));
        if (stats is not null)
        {
            summaries.Value = stats.Select((s, c) => s.Result(names[c], ColumnSummary.TypeName(frame.Columns[c].DataType), fill.Rows)).ToArray();
        }

        return frame;
    }

    /// <summary>Files at least this large are parsed on several cores; smaller ones are not worth the hand-offs.</summary>
    private const long ParallelThreshold = 4 << 20;

    /// <summary>
    /// One thread runs Sep and hands batches to the others, so two cores give one parser and a hand-off that cost
    /// more than they saved on the shared 2-core machines this was measured on (bench/LoadBenchmark). With four or
    /// more cores three parsers keep up with Sep; that could not be measured here.
    /// </summary>
    private const int MinimumParallelCores = 4;

    private static SepReaderOptions ReaderOptions(char separator)
    {
        // Sep reads the header as a row: it rejects repeated column names, which files do have (they get _2).
        return new SepReaderOptions(new Sep(separator))
        {
            HasHeader = false,
            Unescape = true,
            DisableColCountCheck = true,
        };
    }

    /// <summary>The separators Sep detects, in its order of preference on a tie.</summary>
    private const string Candidates = ";\t|,";

    /// <summary>
    /// The separator of the first line that is not blank, chosen as Sep chooses it (the candidate found most often
    /// outside quotes; ';' when none is), but past blank lines, which Sep would read as the header.
    /// </summary>
    internal static char DetectSeparator(string path, Encoding encoding)
    {
        using var reader = new StreamReader(SourceFile.Open(path), encoding, detectEncodingFromByteOrderMarks: true, 1 << 16);
        Span<int> counts = stackalloc int[Candidates.Length];
        var quoting = false;
        var seen = false;
        var budget = 1 << 20;
        int next;
        while (budget-- > 0 && (next = reader.Read()) >= 0)
        {
            var c = (char)next;
            if (c == '"')
            {
                quoting = !quoting;
            }
            else if (!quoting && c is '\r' or '\n')
            {
                if (seen)
                {
                    break;
                }

                counts.Clear();
            }
            else if (!quoting)
            {
                seen |= !char.IsWhiteSpace(c);
                var s = Candidates.IndexOf(c, StringComparison.Ordinal);
                if (s >= 0)
                {
                    counts[s]++;
                }
            }

            seen |= c == '"';
        }

        var best = 0;
        for (var s = 1; s < counts.Length; s++)
        {
            if (counts[s] > counts[best])
            {
                best = s;
            }
        }

        return Candidates[best];
    }

    private static bool IsTsv(string path, LoadOptions options) =>
        string.Equals(options.Format, "tsv", StringComparison.OrdinalIgnoreCase) ||
        DataLoader.StripCompression(path).EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ||
        DataLoader.StripCompression(path).EndsWith(".tab", StringComparison.OrdinalIgnoreCase);

    private static SepReader Open(string path, SepReaderOptions options, Encoding encoding)
    {
        try
        {
            // A byte order mark wins; otherwise the encoding given (strict UTF-8 by default, so that Latin-1 is noticed).
            return options.From(new StreamReader(SourceFile.Open(path), encoding, detectEncodingFromByteOrderMarks: true, 1 << 16));
        }
        catch (InvalidDataException e)
        {
            throw Errors.Fail($"Could not read '{Path.GetFileName(path)}' as delimited text: {e.Message}");
        }
    }

    /// <summary>
    /// How many rows the file holds, from its size and the first rows' length, plus a little, so that columns are
    /// allocated once at (nearly) their final size. Compressed files start small and grow.
    /// </summary>
    private static int EstimateRows(string path, double charsPerRow)
    {
        if (SourceFile.IsGzip(path) || charsPerRow <= 0)
        {
            return 1 << 16;
        }

        var rows = (new FileInfo(path).Length / charsPerRow * 1.02) + 1024;
        return (int)Math.Min(rows, Array.MaxLength / 16);
    }

    /// <summary>The column names and a type guess per column from the first <see cref="InferenceRows"/> rows.</summary>
    private static (string[] Names, ColumnKind[] Kinds, double CharsPerRow) ReadHeaderAndInfer(string path, SepReaderOptions readerOptions, LoadOptions options, Encoding encoding)
    {
        using var reader = Open(path, readerOptions, encoding);
        var fileName = Path.GetFileName(path);
        if (!MoveToFirstLine(reader))
        {
            throw Errors.OnlyWhitespace(fileName, new FileInfo(path).Length, options.NoHeader ? "rows of data" : "a header line with column names");
        }

        var first = reader.Current;
        var cells = new string[first.ColCount];
        for (var c = 0; c < cells.Length; c++)
        {
            cells[c] = options.NoHeader ? $"Column{c + 1}" : first[c].ToString();
        }

        var names = UniqueNames(cells);
        var guesses = new ColumnKind?[names.Length];
        var rows = 0;
        long chars = 0;
        if (options.NoHeader)
        {
            Guess(first, guesses);
            chars += first.Span.Length + 1;
            rows++;
        }

        var sampled = rows;
        while (rows++ < InferenceRows && reader.MoveNext())
        {
            if (IsBlank(reader.Current))
            {
                continue;
            }

            Guess(reader.Current, guesses);
            chars += reader.Current.Span.Length + 1;
            sampled++;
        }

        // A column with no value in the first rows starts as double: numbers fit, and text widens it later.
        return (names, guesses.Select(g => g ?? ColumnKind.Double).ToArray(), sampled == 0 ? 0 : (double)chars / sampled);
    }

    /// <summary>Moves to the first line that is not blank (the header, or the first row with --no-header).</summary>
    private static bool MoveToFirstLine(SepReader reader)
    {
        while (reader.MoveNext())
        {
            if (!IsBlank(reader.Current))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An empty line, or one of spaces and tabs: skipped, as pandas skips them.</summary>
    private static bool IsBlank(SepReader.Row row) => row.ColCount == 1 && row.Span.IsWhiteSpace();

    private static void Guess(SepReader.Row row, ColumnKind?[] guesses)
    {
        var count = Math.Min(row.ColCount, guesses.Length);
        for (var c = 0; c < count; c++)
        {
            var span = row[c].Span;
            if (ValueParser.IsMissing(span))
            {
                continue;
            }

            var kind = ValueParser.Narrowest(span);
            guesses[c] = guesses[c] is { } g ? ValueParser.Widen(g, kind) : kind;
        }
    }

    /// <summary>Blank header cells become <c>ColumnN</c>; repeated names get <c>_2</c>, <c>_3</c> suffixes.</summary>
    internal static string[] UniqueNames(IReadOnlyList<string> raw)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var names = new string[raw.Count];
        for (var i = 0; i < raw.Count; i++)
        {
            var name = string.IsNullOrWhiteSpace(raw[i]) ? $"Column{i + 1}" : raw[i].Trim();
            var candidate = name;
            for (var n = 2; !seen.Add(candidate); n++)
            {
                candidate = $"{name}_{n}";
            }

            names[i] = candidate;
        }

        return names;
    }

    /// <summary>One pass over the rows: parses the selected columns into builders and learns which guesses broke.</summary>
    private sealed partial class Fill
    {
        private readonly string _fileName;
        private readonly string[] _names;
        private readonly ColumnKind?[] _overrides;
        private readonly bool[] _parse;
        private readonly Lock _widening = new();

        private readonly bool _skipHeader;
        private readonly int? _parallelism;

        public Fill(string fileName, string[] names, ColumnKind[] kinds, ColumnKind?[] overrides, bool[] parse, bool skipHeader, int? parallelism)
        {
            _parallelism = parallelism;
            _skipHeader = skipHeader;
            _fileName = fileName;
            _names = names;
            _overrides = overrides;
            _parse = parse;
            Kinds = (ColumnKind[])kinds.Clone();
            // Every row of a parsed column gets a value or SetMissing; a pass whose guess broke is thrown away.
            Builders = kinds.Select((k, i) => parse[i] ? ColumnBuilder.Create(k, everyRowIsSet: true) : null).ToArray();
            Widened = new bool[names.Length];
        }

        /// <summary>One builder per parsed column (<see langword="null"/> for the columns this pass skips).</summary>
        public ColumnBuilder?[] Builders { get; }

        private int _capacity;

        /// <summary>Sizes every builder for <paramref name="rows"/> rows (grown by half again when that is not enough).</summary>
        public void Reserve(int rows)
        {
            foreach (var builder in Builders)
            {
                builder?.Reserve(rows);
            }

            _capacity = Builders.FirstOrDefault(b => b is not null)?.Capacity ?? int.MaxValue;
        }

        /// <summary>
        /// Maps the columns' fresh memory in on another core while this one parses: a first store into a page the
        /// process has never used costs a page fault and the kernel's zeroing of the page, a tenth of a large load's
        /// time when the parser pays it (bench/LoadBenchmark). Disposing stops the touching and waits for it; null when
        /// there is no other core or the columns are small.
        /// </summary>
        public IDisposable? TouchAhead()
        {
            if (!WorthAnotherCore)
            {
                return null;
            }

            var stop = new CancellationTokenSource();
            var builders = Builders.Where(b => b is not null).ToArray();
            var touching = Task.Factory.StartNew(
                () =>
                {
                    // Row by row across the columns would be ideal; column by column is close, as the toucher is
                    // many times faster than the parser and is ahead of it in every column within milliseconds.
                    foreach (var builder in builders)
                    {
                        builder!.Touch(stop.Token);
                    }
                },
                stop.Token,
                TaskCreationOptions.DenyChildAttach,
                TaskScheduler.Default);
            return new Toucher(stop, touching);
        }

        /// <summary>
        /// Whether helping the parser from another core pays: below 65,536 rows the columns fit in memory the process
        /// already has and the statistics take less than a thread's hand-offs.
        /// </summary>
        private bool WorthAnotherCore => Environment.ProcessorCount >= 2 && _capacity >= 1 << 16;

        private sealed class Toucher(CancellationTokenSource stop, Task touching) : IDisposable
        {
            public void Dispose()
            {
                stop.Cancel();
                try
                {
                    touching.Wait();
                }
                catch (AggregateException)
                {
                    // Cancelled before it started.
                }

                stop.Dispose();
            }
        }

        /// <summary>The kind each column needs: its guess, or the widest kind any later value required.</summary>
        public ColumnKind[] Kinds { get; }

        /// <summary>Columns whose guess broke: their builders are incomplete and must be read again as <see cref="Kinds"/>.</summary>
        public bool[] Widened { get; }

        public int Rows { get; private set; }

        /// <summary>Blank lines met (and skipped) after the header.</summary>
        public int Blank { get; private set; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Read(SepReader reader, bool parallel)
        {
            if (_skipHeader && !MoveToFirstLine(reader))
            {
                return;
            }

            if (parallel)
            {
                ReadParallel(reader, _parallelism);
                return;
            }

            var columns = _names.Length;
            using var trailing = Trail();
            foreach (var row in reader)
            {
                if (row.ColCount == 1 && IsBlank(row))
                {
                    Blank++;
                    continue;
                }

                var index = Rows++;
                if ((index & (TrailRows - 1)) == 0 && index > 0)
                {
                    trailing?.Publish(index);
                }

                if (index >= _capacity)
                {
                    // Growing moves the columns under the statistics: they are taken after the load instead.
                    trailing?.Abandon();
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

                for (var c = 0; c < columns; c++)
                {
                    if (_parse[c])
                    {
                        Set(c, index, row[c].Span, row.LineNumberFrom);
                    }
                }
            }

            trailing?.Finish(Rows);
        }

        /// <summary>Rows per hand-over to the statistics: a power of two, and a multiple of 8 (whole bitmap bytes).</summary>
        private const int TrailRows = 1 << 16;

        private Trailer? _trailer;

        /// <summary>The statistics of every column when they were all taken while parsing, else null; asked once.</summary>
        public ColumnSummary.Stats[]? TakeStatistics() => _trailer?.Result;

        /// <summary>
        /// Starts taking the card's statistics on another core, behind the parser, when this pass parses every column
        /// of a file large enough to be worth it; the parser hands over each run of rows it finished.
        /// </summary>
        private Trailer? Trail()
        {
            if (!WorthAnotherCore || _parse.Any(p => !p))
            {
                return null;
            }

            return _trailer = new Trailer(this);
        }

        /// <summary>
        /// Takes rows <c>[done, published)</c> of every column into its <see cref="ColumnSummary.Stats"/> whenever the
        /// parser publishes more. Stops for good (and the statistics are taken after the load, as for other formats)
        /// when a column's guess breaks, the columns grow, or anything fails.
        /// </summary>
        private sealed class Trailer : IDisposable
        {
            private readonly Fill _fill;
            private readonly ColumnSummary.Stats[] _stats;
            private readonly SemaphoreSlim _signal = new(0);
            private readonly Task _task;
            private int _published;
            private int _final = -1;
            private volatile bool _abandoned;
            private bool _complete;

            public Trailer(Fill fill)
            {
                _fill = fill;
                _stats = fill.Kinds.Select(ColumnSummary.Stats.For).ToArray();
                _task = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
            }

            public ColumnSummary.Stats[]? Result => _complete && !_abandoned ? _stats : null;

            public void Publish(int rows)
            {
                Volatile.Write(ref _published, rows);
                _signal.Release();
            }

            public void Finish(int rows)
            {
                Volatile.Write(ref _final, rows);
                Publish(rows);
                _task.Wait();
            }

            public void Abandon()
            {
                _abandoned = true;
                _signal.Release();
                _task.Wait();
            }

            private void Run()
            {
                var done = 0;
                try
                {
                    while (true)
                    {
                        _signal.Wait();
                        if (_abandoned || Array.IndexOf(_fill.Widened, true) >= 0)
                        {
                            _abandoned = true;
                            return;
                        }

                        var upTo = Volatile.Read(ref _published);
                        if (upTo > done)
                        {
                            for (var c = 0; c < _stats.Length; c++)
                            {
                                _stats[c].Add(_fill.Builders[c]!, done, upTo);
                            }

                            done = upTo;
                        }

                        if (Volatile.Read(ref _final) == done)
                        {
                            _complete = true;
                            return;
                        }
                    }
                }
                catch (Exception)
                {
                    // Only a head start: the card computes the statistics itself when these are missing.
                    _abandoned = true;
                }
            }

            public void Dispose()
            {
                if (!_task.IsCompleted)
                {
                    Abandon();
                }

                _signal.Dispose();
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Set(int c, int index, ReadOnlySpan<char> value, int line)
        {
            var builder = Builders[c]!;
            if (ValueParser.IsMissing(value))
            {
                builder.SetMissing(index);
                return;
            }

            if (Volatile.Read(ref Widened[c]))
            {
                // Scanning only: learn every widening in this pass so that the file is read at most once more.
                if (!ValueParser.Fits(value, Kinds[c]))
                {
                    Widen(c, value);
                }

                return;
            }

            if (!builder.TrySet(index, value))
            {
                if (_overrides[c] is { } forced)
                {
                    throw Errors.Fail($"Line {line} of '{_fileName}', column '{_names[c]}': '{value.ToString()}' is not a valid {KindName(forced)} (set by --types). Use --types {_names[c]}:string to keep such values as text.");
                }

                Widen(c, value);
            }
        }

        /// <summary>
        /// Widening is a join on the kind lattice (int → long → double → string; bool and datetime → string), so the
        /// final kind is the same whichever thread sees which value first.
        /// </summary>
        private void Widen(int c, ReadOnlySpan<char> value)
        {
            var needed = ValueParser.Narrowest(value);
            lock (_widening)
            {
                Kinds[c] = ValueParser.Widen(Kinds[c], needed);
                Volatile.Write(ref Widened[c], true);
            }
        }

        private NotebookException Ragged(int line, int fields) =>
            Errors.Fail($"Line {line} of '{_fileName}' has {fields} field{(fields == 1 ? "" : "s")}, but the header has {_names.Length} ({Describe(_names)}). Check for a missing or extra separator, or an unclosed quote.");

        /// <summary>
        /// Quotes pair up in every well-formed row. An odd count means a quoted field was opened and never closed,
        /// so Sep read to the end of the file looking for the closing quote: say where that field starts.
        /// </summary>
        private void CheckQuotes(ReadOnlySpan<char> raw, int firstLine, char separator)
        {
            if (raw.Count('"') % 2 == 0)
            {
                return;
            }

            var field = 1;
            var line = firstLine;
            var lineStart = 0;
            var inQuotes = false;
            (int Field, int Line, int Column) opened = default;
            (int Field, int Line, int Column)? culprit = null;
            for (var i = 0; i < raw.Length; i++)
            {
                var ch = raw[i];
                if (ch == '"')
                {
                    inQuotes = !inQuotes;
                    if (inQuotes)
                    {
                        opened = (field, line, i - lineStart + 1);
                    }
                    else if (line != opened.Line)
                    {
                        // The first quoted field that ran past its line is where the quotes went out of step.
                        culprit ??= opened;
                    }
                }
                else if (!inQuotes && ch == separator)
                {
                    field++;
                }
                else if (ch == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            opened = culprit ?? opened;
            var lastLine = raw.EndsWith('\n') ? line - 1 : line;
            var column = opened.Field <= _names.Length ? $" (column '{_names[opened.Field - 1]}')" : "";
            throw Errors.Fail($"Line {opened.Line}, character {opened.Column} of '{_fileName}': a quoted field{column} is opened but never closed, so the rest of the file ({lastLine - opened.Line + 1} lines) would be read as one value. Close the quote, or write a quote inside a quoted field as \"\".");
        }
    }

    internal static string KindName(ColumnKind kind) => kind switch
    {
        ColumnKind.Boolean => "bool",
        ColumnKind.Int32 => "int",
        ColumnKind.Int64 => "long",
        ColumnKind.Double => "double",
        ColumnKind.DateTime => "datetime",
        _ => "string",
    };

    private static string Describe(string[] names) =>
        names.Length <= 8 ? string.Join(", ", names) : string.Join(", ", names.Take(8)) + ", …";
}
