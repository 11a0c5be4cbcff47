using System.Text;
using System.Text.Json;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// Reads a JSON array of objects, or JSON lines (one object per line), into typed columns with
/// <see cref="Utf8JsonReader"/> over the file's UTF-8 bytes: no document, no element or string per value. The first
/// pass learns the columns (every key, in the order first seen) and their types from every value; the second parses
/// each value straight into its column. A key missing from an object is a missing value; nested objects and arrays
/// are kept as their JSON text.
/// </summary>
internal static class JsonLoader
{
    public static DataFrame Load(string path, bool lines, LoadOptions options)
    {
        var fileName = Path.GetFileName(path);
        var bytes = Utf8(path, options);
        var text = bytes.AsSpan(bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0);
        if (text.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw Errors.OnlyWhitespace(fileName, new FileInfo(path).Length, lines ? "one JSON object per line" : "an array of objects such as [{\"a\": 1}, {\"a\": 2}]");
        }
        var columns = new Columns();
        var records = 0;
        var scratch = new char[256];
        ForEachRecord(text, lines, fileName, (ref Utf8JsonReader reader, ReadOnlySpan<byte> _, int _) =>
        {
            records++;
            Learn(ref reader, columns, ref scratch);
        });

        if (columns.Names.Count == 0)
        {
            throw Errors.Fail(records == 0
                ? $"The file '{fileName}' holds no records: expected {(lines ? "one JSON object per line" : "an array of objects such as [{\"a\": 1}, {\"a\": 2}]")}."
                : $"The objects in '{fileName}' have no fields.");
        }

        var overrides = TypeOverrides.Resolve(fileName, columns.Names, options.Types);
        var builders = columns.Guesses.Select((g, i) => ColumnBuilder.Create(overrides[i] ?? g ?? ColumnKind.Double)).ToArray();
        foreach (var builder in builders)
        {
            builder.Reserve(records);
        }

        var seen = new int[builders.Length];
        var row = 0;
        ForEachRecord(text, lines, fileName, (ref Utf8JsonReader reader, ReadOnlySpan<byte> source, int number) =>
        {
            Fill(ref reader, source, columns, builders, row, seen, ref scratch, (lines ? "Line " : "Item ") + number, fileName);
            for (var c = 0; c < seen.Length; c++)
            {
                if (seen[c] != row + 1)
                {
                    builders[c].SetMissing(row);
                }
            }

            row++;
        });

        return new DataFrame(builders.Select((b, i) => b.Build(columns.Names[i], row)));
    }

    /// <summary>The whole file (decompressed) as UTF-8: JSON is UTF-8 by definition, but a UTF-16 file with a byte order mark, or <c>--encoding</c>, is transcoded first.</summary>
    private static byte[] Utf8(string path, LoadOptions options)
    {
        byte[] bytes;
        using (var stream = SourceFile.Open(path))
        {
            if (stream is FileStream file)
            {
                if (file.Length >= Array.MaxLength)
                {
                    throw Errors.Fail($"'{Path.GetFileName(path)}' is {file.Length / 1e9:F1} GB: #!load reads JSON files of up to 2 GB. --sql reads larger ones through DuckDB, which streams them, e.g. --sql \"SELECT * FROM data LIMIT 1000000\".");
                }


                bytes = new byte[file.Length];
                stream.ReadExactly(bytes);
            }
            else
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                bytes = buffer.ToArray();
            }
        }

        var encoding = TextEncodings.Resolve(options.Encoding);
        if (encoding is null && (bytes.AsSpan().StartsWith([(byte)0xFF, (byte)0xFE]) || bytes.AsSpan().StartsWith([(byte)0xFE, (byte)0xFF])))
        {
            encoding = bytes[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
        }

        if (encoding is null || encoding.CodePage == Encoding.UTF8.CodePage)
        {
            return bytes;
        }

        var preamble = encoding.GetPreamble();
        var start = bytes.AsSpan().StartsWith(preamble) ? preamble.Length : 0;
        return Encoding.UTF8.GetBytes(encoding.GetString(bytes, start, bytes.Length - start));
    }

    private delegate void RecordAction(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, int number);

    /// <summary>
    /// Positions a reader on each record's <c>{</c> and calls <paramref name="action"/>, which reads to its <c>}</c>.
    /// JSON lines get a reader per line (so that errors name the line); an array one reader over the whole text.
    /// </summary>
    private static void ForEachRecord(ReadOnlySpan<byte> text, bool lines, string fileName, RecordAction action)
    {
        if (lines)
        {
            var number = 0;
            while (!text.IsEmpty)
            {
                number++;
                var end = text.IndexOf((byte)'\n');
                var line = end < 0 ? text : text[..end];
                text = end < 0 ? default : text[(end + 1)..];
                if (line.Trim(" \t\r"u8).IsEmpty)
                {
                    continue;
                }

                try
                {
                    var reader = new Utf8JsonReader(line);
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw Errors.Fail($"Line {number} of '{fileName}' is a JSON {Describe(reader.TokenType)}, but each line must be an object such as {{\"a\": 1, \"b\": \"x\"}}.");
                    }

                    action(ref reader, line, number);

                    // Anything after the object other than spaces makes the reader throw.
                    reader.Read();
                }
                catch (JsonException e)
                {
                    var excerpt = Encoding.UTF8.GetString(line.TrimEnd("\r"u8));
                    throw Errors.Fail($"Line {number}, character {(e.BytePositionInLine ?? 0) + 1} of '{fileName}' is not valid JSON: {Reason(e)} The line starts: {Excerpt(excerpt)}");
                }
            }

            return;
        }

        var item = 0;
        try
        {
            var reader = new Utf8JsonReader(text);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                var found = reader.TokenType == JsonTokenType.None ? "empty" : $"a JSON {Describe(reader.TokenType)}";
                throw Errors.Fail($"'{fileName}' is {found}, but a JSON file must be an array of objects such as [{{\"a\": 1}}, {{\"a\": 2}}], or one object per line (JSON lines).");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                item++;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw Errors.Fail($"Item {item} of the array in '{fileName}' is a JSON {Describe(reader.TokenType)}, but every item must be an object such as {{\"a\": 1, \"b\": \"x\"}}.");
                }

                action(ref reader, text, item);
            }

            // Anything after the array other than spaces makes the reader throw.
            reader.Read();
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } l ? $"Line {l + 1}, character {(e.BytePositionInLine ?? 0) + 1} of '{fileName}'" : $"'{fileName}'";
            throw Errors.Fail($"{where} is not valid JSON: {Reason(e)}");
        }
    }

    /// <summary>The first pass over one record: its keys and the narrowest kind that holds every value seen so far.</summary>
    private static void Learn(ref Utf8JsonReader reader, Columns columns, ref char[] scratch)
    {
        var expected = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var c = columns.Find(ref reader, expected);
            expected = c + 1;
            reader.Read();
            var guess = columns.Guesses[c];
            if (guess == ColumnKind.String || (guess == ColumnKind.Double && reader.TokenType == JsonTokenType.Number))
            {
                // Nothing can change this guess: text stays text, and any number fits a double.
                reader.Skip();
                continue;
            }

            if (KindOf(ref reader, ref scratch) is { } kind)
            {
                columns.Guesses[c] = guess is { } g ? ValueParser.Widen(g, kind) : kind;
            }
        }
    }

    /// <summary>The kind a JSON value asks for; <see langword="null"/> when it is missing. Leaves the reader on the value's last token.</summary>
    private static ColumnKind? KindOf(ref Utf8JsonReader reader, ref char[] scratch)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                var number = reader.ValueSpan;
                return number.IndexOfAny(".eE"u8) >= 0 ? ColumnKind.Double
                    : reader.TryGetInt32(out _) ? ColumnKind.Int32
                    : reader.TryGetInt64(out _) ? ColumnKind.Int64
                    : ColumnKind.Double;
            case JsonTokenType.True or JsonTokenType.False:
                return ColumnKind.Boolean;
            case JsonTokenType.String:
                var count = Chars(ref reader, ref scratch);
                var chars = scratch.AsSpan(0, count);
                return ValueParser.IsMissing(chars) ? null : ValueParser.TryDateTime(chars, out _) ? ColumnKind.DateTime : ColumnKind.String;

            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                reader.Skip();
                return ColumnKind.String;
            default:
                return null;
        }
    }

    /// <summary>The second pass over one record: each value parsed into its column's builder at <paramref name="row"/>.</summary>
    private static void Fill(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, Columns columns, ColumnBuilder[] builders, int row, int[] seen, ref char[] scratch, string where, string fileName)
    {
        var expected = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var c = columns.Find(ref reader, expected);
            expected = c + 1;
            seen[c] = row + 1;
            reader.Read();
            var builder = builders[c];
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    builder.SetMissing(row);
                    continue;
                case JsonTokenType.Number when builder.Kind == ColumnKind.Int32 && reader.TryGetInt32(out var i):
                    builder.Set(row, i);
                    continue;
                case JsonTokenType.Number when builder.Kind == ColumnKind.Int64 && reader.TryGetInt64(out var l):
                    builder.Set(row, l);
                    continue;
                case JsonTokenType.Number when builder.Kind == ColumnKind.Double && (ValueParser.TryDecimalFast(reader.ValueSpan, out var d) || reader.TryGetDouble(out d)):
                    builder.Set(row, d);
                    continue;
                case JsonTokenType.True or JsonTokenType.False when builder.Kind == ColumnKind.Boolean:
                    builder.Set(row, reader.TokenType == JsonTokenType.True);
                    continue;
            }

            // Text, and values that --types asks to read as another type: through their text.
            ReadOnlySpan<char> text;
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    var length = Chars(ref reader, ref scratch);
                    text = scratch.AsSpan(0, length);
                    break;
                case JsonTokenType.True:
                    text = "true";
                    break;
                case JsonTokenType.False:
                    text = "false";
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    text = Encoding.UTF8.GetString(source[start..((int)reader.TokenStartIndex + 1)]);
                    break;
                default:
                    text = Encoding.UTF8.GetString(reader.ValueSpan);
                    break;
            }

            if (ValueParser.IsMissing(text))
            {
                builder.SetMissing(row);
            }
            else if (!builder.TrySet(row, text))
            {
                throw Errors.Fail($"{where} of '{fileName}', field '{columns.Names[c]}': '{text.ToString()}' is not a valid {CsvLoader.KindName(builder.Kind)} (set by --types). Use --types with string to keep such values as text.");
            }
        }
    }

    /// <summary>Writes a string token's unescaped characters to <paramref name="scratch"/> (grown when a value is longer); returns how many.</summary>
    private static int Chars(ref Utf8JsonReader reader, ref char[] scratch)
    {
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (scratch.Length < length)
        {
            scratch = new char[Math.Max(length, scratch.Length * 2)];
        }

        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return Encoding.UTF8.GetChars(reader.ValueSpan, scratch);
        }

        return reader.CopyString(scratch);
    }

    /// <summary>The columns met so far, in the order first seen, with a kind guess each.</summary>
    private sealed class Columns
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public List<string> Names { get; } = [];

        public List<ColumnKind?> Guesses { get; } = [];

        /// <summary>The column of the property name under the reader: objects usually list keys in the same order, so the expected one is tried first, without making a string.</summary>
        public int Find(ref Utf8JsonReader reader, int expected)
        {
            if (expected < Names.Count && reader.ValueTextEquals(Names[expected]))
            {
                return expected;
            }

            var name = reader.GetString()!;
            if (!_index.TryGetValue(name, out var c))
            {
                c = Names.Count;
                _index[name] = c;
                Names.Add(name);
                Guesses.Add(null);
            }

            return c;
        }
    }

    /// <summary>System.Text.Json's reason without its own position suffix (the message states the position already).</summary>
    private static string Reason(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        }

        message = (cut >= 0 ? message[..cut] : message).Trim();
        return message.EndsWith('.') ? message : message + ".";
    }

    private static string Excerpt(string line) => line.Length <= 60 ? line : line[..60] + "…";

    private static string Describe(JsonTokenType kind) => kind switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "object",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
