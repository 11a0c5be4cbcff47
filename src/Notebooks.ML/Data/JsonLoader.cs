using System.Text;
using System.Text.Json;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// Reads a JSON array of objects, or JSON lines (one object per line), into typed columns. Two streaming passes:
/// the first learns the columns (every key, in the order first seen) and their types from every value, the second
/// fills the columns; no pass holds the file's text. A key missing from an object is a missing value; nested
/// objects and arrays are kept as their JSON text.
/// </summary>
internal static class JsonLoader
{
    public static DataFrame Load(string path, bool lines, LoadOptions options)
    {
        var fileName = Path.GetFileName(path);
        var names = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var guesses = new List<ColumnKind?>();
        var records = 0;
        foreach (var (record, _) in Records(path, lines))
        {
            records++;
            foreach (var property in record.EnumerateObject())
            {
                if (!index.TryGetValue(property.Name, out var c))
                {
                    c = names.Count;
                    index[property.Name] = c;
                    names.Add(property.Name);
                    guesses.Add(null);
                }

                if (KindOf(property.Value) is { } kind)
                {
                    guesses[c] = guesses[c] is { } g ? ValueParser.Widen(g, kind) : kind;
                }
            }
        }

        if (names.Count == 0)
        {
            throw Errors.Fail(records == 0
                ? $"The file '{fileName}' holds no records: expected {(lines ? "one JSON object per line" : "an array of objects such as [{\"a\": 1}, {\"a\": 2}]")}."
                : $"The objects in '{fileName}' have no fields.");
        }

        var overrides = TypeOverrides.Resolve(fileName, names, options.Types);
        var builders = guesses.Select((g, i) => ColumnBuilder.Create(overrides[i] ?? g ?? ColumnKind.Double)).ToArray();
        var seen = new int[names.Count];
        var rows = 0;
        foreach (var (record, where) in Records(path, lines))
        {
            var row = rows++;
            foreach (var builder in builders)
            {
                builder.Reserve(row + 1);
            }

            foreach (var property in record.EnumerateObject())
            {
                var c = index[property.Name];
                seen[c] = rows;
                Set(builders[c], row, property.Value, where, fileName, property.Name);
            }

            for (var c = 0; c < seen.Length; c++)
            {
                if (seen[c] != rows)
                {
                    builders[c].SetMissing(row);
                }
            }
        }

        return new DataFrame(builders.Select((b, i) => b.Build(names[i], rows)));
    }

    /// <summary>The kind a JSON value asks for; <see langword="null"/> when it is missing.</summary>
    private static ColumnKind? KindOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetInt32(out _) ? ColumnKind.Int32 : value.TryGetInt64(out _) ? ColumnKind.Int64 : ColumnKind.Double,
        JsonValueKind.True or JsonValueKind.False => ColumnKind.Boolean,
        JsonValueKind.String => value.GetString() is { } s && !ValueParser.IsMissing(s)
            ? ValueParser.TryDateTime(s, out _) ? ColumnKind.DateTime : ColumnKind.String
            : null,
        JsonValueKind.Object or JsonValueKind.Array => ColumnKind.String,
        _ => null,
    };

    private static void Set(ColumnBuilder builder, int row, JsonElement value, string where, string fileName, string field)
    {
        string? text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };

        if (text is null || ValueParser.IsMissing(text))
        {
            builder.SetMissing(row);
            return;
        }

        if (!builder.TrySet(row, text))
        {
            throw Errors.Fail($"{where} of '{fileName}', field '{field}': '{text}' is not a valid {CsvLoader.KindName(builder.Kind)} (set by --types). Use --types with string to keep such values as text.");
        }
    }

    /// <summary>Each record with where it is (<c>Line 3</c> or <c>Item 3</c>), streamed from the file.</summary>
    private static IEnumerable<(JsonElement Record, string Where)> Records(string path, bool lines)
    {
        var fileName = Path.GetFileName(path);
        using var stream = SourceFile.Open(path);
        if (lines)
        {
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
            var number = 0;
            while (reader.ReadLine() is { } line)
            {
                number++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                JsonElement record;
                try
                {
                    using var document = JsonDocument.Parse(line);
                    record = document.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    throw Errors.Fail($"Line {number}, character {(e.BytePositionInLine ?? 0) + 1} of '{fileName}' is not valid JSON: {Reason(e)} The line starts: {Excerpt(line)}");
                }

                if (record.ValueKind != JsonValueKind.Object)
                {
                    throw Errors.Fail($"Line {number} of '{fileName}' is a JSON {Describe(record.ValueKind)}, but each line must be an object such as {{\"a\": 1, \"b\": \"x\"}}.");
                }

                yield return (record, $"Line {number}");
            }

            yield break;
        }

        using var items = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream).ToBlockingEnumerable().GetEnumerator();
        var item = 0;
        while (true)
        {
            try
            {
                if (!items.MoveNext())
                {
                    break;
                }
            }
            catch (JsonException e)
            {
                var where = e.LineNumber is { } l ? $"Line {l + 1}, character {(e.BytePositionInLine ?? 0) + 1} of '{fileName}'" : $"'{fileName}'";
                var expected = item == 0 && e.Message.Contains("could not be converted", StringComparison.Ordinal)
                    ? " Expected an array of objects such as [{\"a\": 1}, {\"a\": 2}], or one object per line (JSON lines)."
                    : "";
                throw Errors.Fail($"{where} is not valid JSON: {Reason(e)}{expected}");
            }

            item++;
            var record = items.Current;
            if (record.ValueKind != JsonValueKind.Object)
            {
                throw Errors.Fail($"Item {item} of the array in '{fileName}' is a JSON {Describe(record.ValueKind)}, but every item must be an object such as {{\"a\": 1, \"b\": \"x\"}}.");
            }

            yield return (record, $"Item {item}");
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

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
