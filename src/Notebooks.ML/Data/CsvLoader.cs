using Microsoft.Data.Analysis;
using nietras.SeparatedValues;

namespace Notebooks.ML.Data;

/// <summary>
/// Reads delimited text with Sep straight into typed columns. Types are guessed from the first rows; a value later
/// in the file that breaks a guess widens that column (int → long → double → string) and the file is read again, so
/// nothing is ever silently corrupted and the text is never held in memory twice.
/// </summary>
internal static class CsvLoader
{
    private const int InferenceRows = 2_000;

    public static DataFrame Load(string path, LoadOptions options)
    {
        var readerOptions = ReaderOptions(path, options);
        var names = ReadColumnNames(path, readerOptions, options);
        var overrides = ResolveTypeOverrides(path, names, options.Types);
        var kinds = InferKinds(path, readerOptions, names.Length, overrides);

        while (true)
        {
            var builders = kinds.Select(k => ColumnBuilder.Create(k, 1024)).ToArray();
            var widened = Fill(path, readerOptions, names, builders, overrides);
            if (widened is null)
            {
                return new DataFrame(builders.Select((b, i) => b.Build(names[i])));
            }

            kinds = widened;
        }
    }

    private static SepReaderOptions ReaderOptions(string path, LoadOptions options)
    {
        Sep? sep = options.Separator is { } c ? new Sep(c)
            : IsTsv(path, options) ? new Sep('\t')
            : Sep.Auto;
        return new SepReaderOptions(sep)
        {
            HasHeader = !options.NoHeader,
            Unescape = true,
            DisableColCountCheck = true,
        };
    }

    private static bool IsTsv(string path, LoadOptions options) =>
        string.Equals(options.Format, "tsv", StringComparison.OrdinalIgnoreCase) ||
        DataLoader.StripCompression(path).EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ||
        DataLoader.StripCompression(path).EndsWith(".tab", StringComparison.OrdinalIgnoreCase);

    private static SepReader Open(string path, SepReaderOptions options)
    {
        try
        {
            return options.From(path, DataLoader.OpenRead);
        }
        catch (InvalidDataException e)
        {
            throw Errors.Fail($"Could not read '{path}' as delimited text: {e.Message}");
        }
    }

    private static string[] ReadColumnNames(string path, SepReaderOptions readerOptions, LoadOptions options)
    {
        using var reader = Open(path, readerOptions);
        if (options.NoHeader)
        {
            var count = reader.MoveNext() ? reader.Current.ColCount : 0;
            if (count == 0)
            {
                throw Errors.Fail($"The file '{path}' has no rows.");
            }

            return Enumerable.Range(1, count).Select(i => $"Column{i}").ToArray();
        }

        if (reader.Header.IsEmpty)
        {
            throw Errors.Fail($"The file '{path}' is empty: expected a header line with column names.");
        }

        return UniqueNames(reader.Header.ColNames);
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

    private static ColumnKind?[] ResolveTypeOverrides(string path, string[] names, IReadOnlyDictionary<string, string> types)
    {
        var overrides = new ColumnKind?[names.Length];
        foreach (var (column, typeName) in types)
        {
            var index = Array.IndexOf(names, column);
            if (index < 0)
            {
                throw Errors.UnknownColumn(column, "the --types", names, $"'{Path.GetFileName(path)}'");
            }

            if (!ValueParser.TryParseKindName(typeName, out var kind))
            {
                throw Errors.BadOption("--types", $"{column}:{typeName}", "a type among int, long, double, bool, datetime, string");
            }

            overrides[index] = kind;
        }

        return overrides;
    }

    private static ColumnKind[] InferKinds(string path, SepReaderOptions readerOptions, int columnCount, ColumnKind?[] overrides)
    {
        var guesses = new ColumnKind?[columnCount];
        using var reader = Open(path, readerOptions);
        var rows = 0;
        foreach (var row in reader)
        {
            if (rows++ >= InferenceRows)
            {
                break;
            }

            var count = Math.Min(row.ColCount, columnCount);
            for (var c = 0; c < count; c++)
            {
                var span = row[c].Span;
                if (overrides[c] is not null || ValueParser.IsMissing(span))
                {
                    continue;
                }

                var kind = ValueParser.Narrowest(span);
                guesses[c] = guesses[c] is { } g ? ValueParser.Widen(g, kind) : kind;
            }
        }

        // A column with no value in the first rows starts as double: numbers fit, and text widens it later.
        return guesses.Select((g, i) => overrides[i] ?? g ?? ColumnKind.Double).ToArray();
    }

    /// <summary>Fills the builders; returns widened kinds when a value broke a guess (the caller reads again).</summary>
    private static ColumnKind[]? Fill(string path, SepReaderOptions readerOptions, string[] names, ColumnBuilder[] builders, ColumnKind?[] overrides)
    {
        ColumnKind[]? widened = null;
        using var reader = Open(path, readerOptions);
        var fileName = Path.GetFileName(path);
        foreach (var row in reader)
        {
            if (row.ColCount != names.Length)
            {
                throw Errors.Fail($"Line {row.LineNumberFrom} of '{fileName}' has {row.ColCount} fields, but the header has {names.Length} ({Describe(names)}). Check for a missing or extra separator, or an unclosed quote.");
            }

            for (var c = 0; c < names.Length; c++)
            {
                var span = row[c].Span;
                if (ValueParser.IsMissing(span))
                {
                    if (widened is null)
                    {
                        builders[c].AppendMissing();
                    }

                    continue;
                }

                if (widened is not null)
                {
                    // Scanning only: learn every widening in one pass so the file is re-read at most once more.
                    if (!ValueParser.Fits(span, widened[c]))
                    {
                        widened[c] = Widen(widened[c], span, overrides[c], fileName, row.LineNumberFrom, names[c]);
                    }

                    continue;
                }

                if (!builders[c].TryAppend(span))
                {
                    widened = builders.Select(b => b.Kind).ToArray();
                    widened[c] = Widen(widened[c], span, overrides[c], fileName, row.LineNumberFrom, names[c]);
                }
            }
        }

        return widened;
    }

    private static ColumnKind Widen(ColumnKind current, ReadOnlySpan<char> value, ColumnKind? forced, string fileName, int line, string column)
    {
        if (forced is { } kind)
        {
            throw Errors.Fail($"Line {line} of '{fileName}', column '{column}': '{value.ToString()}' is not a valid {kind} (set by --types).");
        }

        return ValueParser.Widen(current, ValueParser.Narrowest(value));
    }

    private static string Describe(string[] names) =>
        names.Length <= 8 ? string.Join(", ", names) : string.Join(", ", names.Take(8)) + ", …";
}
