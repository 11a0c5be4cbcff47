using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// Content fingerprints: <c>sha256:</c> + lowercase hex. Three kinds, one rule each:
/// <list type="bullet">
/// <item><description>a file's (<see cref="OfFile"/>): SHA-256 of its bytes as stored, which <c>sha256sum</c> confirms;</description></item>
/// <item><description>a load's (<see cref="OfLoad"/>, <see cref="LoadedData.Fingerprint"/>): the file's own fingerprint when the
/// load read the file as it is, otherwise a hash over the file's fingerprint and every option that changed rows or values;</description></item>
/// <item><description>a frame built in code (<see cref="OfFrame"/>): a hash of its column names, types and values.</description></item>
/// </list>
/// </summary>
public static class Fingerprint
{
    /// <summary>The first line of the text a load's data fingerprint hashes; raised if the rule ever changes.</summary>
    public const string LoadRuleVersion = "notebooks-ml data 1";

    /// <summary>The <see cref="LoadOptions"/> properties that never change rows or values, so never the data fingerprint.</summary>
    internal static readonly string[] UnchangingLoadOptions = [nameof(LoadOptions.Parallelism)];

    /// <summary>The fingerprint of a file's bytes (as stored, before any decompression).</summary>
    public static string OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// The fingerprint of a DataFrame's content: column names, types and every value in invariant form. A frame
    /// loaded from a file has its load's data fingerprint instead (see <see cref="Of"/> and <see cref="OfLoad"/>).
    /// </summary>
    public static string OfFrame(DataFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var text = new Utf8Text(hash);
        foreach (var column in frame.Columns)
        {
            text.Append(column.Name).Byte(0x1f).Append(column.DataType.Name).Byte(0x1e);
            // Numbers and dates are written straight as UTF-8 without boxing each value (a frame built in code is hashed
            // beside training, on a core the trainer could use); any other column value by value as before.
            // Both give the same bytes: a value's invariant text, then the unit separator.
            switch (column)
            {
                case PrimitiveDataFrameColumn<float> c: Values(c, text); break;
                case PrimitiveDataFrameColumn<double> c: Values(c, text); break;
                case PrimitiveDataFrameColumn<int> c: Values(c, text); break;
                case PrimitiveDataFrameColumn<long> c: Values(c, text); break;
                case PrimitiveDataFrameColumn<short> c: Values(c, text); break;
                case PrimitiveDataFrameColumn<byte> c: Values(c, text); break;
                case PrimitiveDataFrameColumn<sbyte> c: Values(c, text); break;
                case PrimitiveDataFrameColumn<ushort> c: Values(c, text); break;
                case PrimitiveDataFrameColumn<uint> c: Values(c, text); break;
                case PrimitiveDataFrameColumn<ulong> c: Values(c, text); break;
                case PrimitiveDataFrameColumn<decimal> c: Values(c, text); break;
                case PrimitiveDataFrameColumn<DateTime> c: Values(c, text); break;
                default:
                    // Text (a string is not boxed), booleans, characters and any other column.
                    for (long i = 0; i < column.Length; i++)
                    {
                        text.Append(column[i] switch
                        {
                            null => "\u0000",
                            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                            var v => v.ToString() ?? "",
                        }).Byte(0x1f);
                    }

                    break;
            }
        }

        text.Flush();
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Values<T>(PrimitiveDataFrameColumn<T> column, Utf8Text text)
        where T : unmanaged, IUtf8SpanFormattable, IFormattable
    {
        for (long i = 0; i < column.Length; i++)
        {
            (column[i] is { } value ? text.Append(value) : text.Byte(0)).Byte(0x1f);
        }
    }

    /// <summary>UTF-8 text gathered in 64 KiB blocks and hashed block by block.</summary>
    private sealed class Utf8Text(IncrementalHash hash)
    {
        private const int Block = 1 << 16;
        private readonly byte[] _buffer = new byte[Block + 256];
        private int _length;

        /// <summary>One byte as it is: a separator, or the zero byte that stands for a missing value.</summary>
        public Utf8Text Byte(byte value)
        {
            _buffer[_length++] = value;
            return Spill();
        }

        public Utf8Text Append(string value)
        {
            if (Encoding.UTF8.GetMaxByteCount(value.Length) > _buffer.Length - _length)
            {
                Flush();
                if (Encoding.UTF8.GetMaxByteCount(value.Length) > _buffer.Length)
                {
                    hash.AppendData(Encoding.UTF8.GetBytes(value));
                    return this;
                }
            }

            _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
            return Spill();
        }

        /// <summary>A value's invariant text (<c>ToString(null, InvariantCulture)</c>).</summary>
        public Utf8Text Append<T>(T value)
            where T : IUtf8SpanFormattable, IFormattable
        {
            if (!value.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture))
            {
                return Append(value.ToString(null, CultureInfo.InvariantCulture));
            }

            _length += written;
            return Spill();
        }

        public void Flush()
        {
            hash.AppendData(_buffer, 0, _length);
            _length = 0;
        }

        private Utf8Text Spill()
        {
            if (_length > Block)
            {
                Flush();
            }

            return this;
        }
    }

    /// <summary>
    /// The data fingerprint of a load: <paramref name="sourceFingerprint"/> itself when <paramref name="changes"/> is
    /// empty (the file read as it is), otherwise <c>sha256:</c> + the SHA-256 of this UTF-8 text, one line per item,
    /// where <c>N</c> is the length of the value after the space in UTF-8 bytes:
    /// <code>
    /// notebooks-ml data 1
    /// source N:sha256:…the file's fingerprint…
    /// NAME N:VALUE        (one line per change, in the order given)
    /// </code>
    /// The same file and the same changes give the same fingerprint on every machine; any other file or change gives
    /// another. <see cref="LoadedData.Changes"/> lists the changes a load made, in the order this hashes them.
    /// </summary>
    public static string OfLoad(string sourceFingerprint, IEnumerable<KeyValuePair<string, string>> changes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceFingerprint);
        ArgumentNullException.ThrowIfNull(changes);
        var text = new StringBuilder(LoadRuleVersion).Append('\n');
        Line(text, "source", sourceFingerprint);
        var any = false;
        foreach (var (name, value) in changes)
        {
            Line(text, name, value);
            any = true;
        }

        return any ? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))) : sourceFingerprint;

        static void Line(StringBuilder text, string name, string value) =>
            text.Append(name).Append(' ').Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
    }

    /// <summary>
    /// What a load with <paramref name="options"/> changed from the file read as it is, in the order
    /// <see cref="OfLoad"/> hashes them. An option counts only when it can change rows or values:
    /// <c>--format</c> when it differs from the format the file is read as without it; <c>--separator</c> and
    /// <c>--no-header</c> for delimited text (not a tab for TSV); each <c>--types</c> override (by column, with the type's
    /// canonical name); <c>--sql</c>; each <c>--derive</c>; <c>--where</c> when it dropped rows; <c>--sample</c> with its
    /// <c>--seed</c> when it dropped rows. Values are trimmed; nothing else is normalised (<c>x&gt;1</c> and <c>x &gt; 1</c> differ).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="format">The format it was read as.</param>
    /// <param name="options">The options of the load.</param>
    /// <param name="filtered">Whether <c>--where</c> dropped rows.</param>
    /// <param name="sampled">Whether <c>--sample</c> dropped rows.</param>
    internal static IReadOnlyList<KeyValuePair<string, string>> LoadChanges(string path, string format, LoadOptions options, bool filtered, bool sampled)
    {
        // Every LoadOptions property is either here or in UnchangingLoadOptions (a test checks both lists).
        var changes = new List<KeyValuePair<string, string>>();
        void Add(string name, string value) => changes.Add(new(name, value));

        if (options.Format is not null && format != DefaultFormat(path))
        {
            Add("format", format);
        }

        var delimited = format is "csv" or "tsv";
        if (delimited && options.Separator is { } separator && !(format == "tsv" && separator == '\t'))
        {
            Add("separator", separator.ToString());
        }

        if (delimited && options.NoHeader)
        {
            Add("no-header", "true");
        }

        // The encoding changes the text #!load reads from CSV, TSV and JSON (Parquet is binary; --sql is read by DuckDB).
        if (options.Encoding is { } encoding && format != "parquet" && options.Sql is null)
        {
            Add("encoding", TextEncodings.Resolve(encoding)?.WebName ?? encoding.Trim());
        }

        foreach (var (column, type) in options.Types.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            Add("types", $"{column}:{(ValueParser.TryParseKindName(type, out var kind) ? KindName(kind) : type.Trim())}");
        }

        if (options.Sql is { } sql)
        {
            Add("sql", sql.Trim());
        }

        foreach (var derive in options.Derive)
        {
            Add("derive", derive.Trim());
        }

        if (filtered && options.Where is { } where)
        {
            Add("where", where.Trim());
        }

        if (sampled && options.Sample is { } sample)
        {
            Add("sample", sample.ToString(CultureInfo.InvariantCulture));
            Add("seed", (options.Seed ?? 1).ToString(CultureInfo.InvariantCulture));
        }

        return changes;
    }

    /// <summary>Changes as a user types them: <c>--sample 1000 --seed 7 --where "x &gt; 1"</c>.</summary>
    public static string Describe(IEnumerable<KeyValuePair<string, string>> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return string.Join(' ', changes.Select(c => c.Key switch
        {
            "no-header" => "--no-header",
            "separator" when c.Value == "\t" => "--separator tab",
            _ => $"--{c.Key} {(c.Value.Length > 0 && !c.Value.Any(char.IsWhiteSpace) && !c.Value.Contains('"', StringComparison.Ordinal) ? c.Value : "\"" + c.Value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")}",
        }));
    }

    private static string? DefaultFormat(string path)
    {
        try
        {
            return DataLoader.ResolveFormat(path, null);
        }
        catch (NotebookException)
        {
            // Without --format the file would not load at all (it looks binary): the format it was given counts.
            return null;
        }
    }

    private static string KindName(ColumnKind kind) => kind switch
    {
        ColumnKind.Boolean => "bool",
        ColumnKind.Int32 => "int",
        ColumnKind.Int64 => "long",
        ColumnKind.Double => "double",
        ColumnKind.DateTime => "datetime",
        _ => "string",
    };

    /// <summary>The fingerprint recorded when <paramref name="frame"/> was loaded (its data fingerprint), or that of its content.</summary>
    public static string Of(DataFrame frame) => DataProvenance.Of(frame)?.Fingerprint ?? OfFrame(frame);

    /// <summary>The short form shown on cards: the first 12 hex digits.</summary>
    public static string Short(string fingerprint)
    {
        var colon = fingerprint.IndexOf(':', StringComparison.Ordinal);
        var hex = colon >= 0 ? fingerprint[(colon + 1)..] : fingerprint;
        return hex.Length > 12 ? hex[..12] : hex;
    }
}
