using System.Globalization;
using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;
using Notebooks.ML.Training;

namespace Notebooks.ML.Serving;

/// <summary>
/// Reads a request body into rows of the model's inputs, checking every column and value against the model's input
/// schema: the MLflow scoring protocol's JSON (<c>dataframe_split</c>, <c>dataframe_records</c>, <c>instances</c>,
/// <c>inputs</c>), CSV with a header, and <c>/predict</c>'s single object.
/// <para>
/// The null policy: a column where training saw missing values takes null (the model then imputes as in training: a
/// number gets the training mean and its missing-value indicator, a category its own "missing" category); a column
/// where training saw none refuses null with 400, because the model never learnt what a missing value means there.
/// </para>
/// </summary>
internal sealed class RequestReader
{
    private static readonly string[] _formats = ["dataframe_split", "dataframe_records", "instances", "inputs"];
    private static readonly JsonReaderOptions _options = new() { MaxDepth = 16 };
    private readonly IReadOnlyList<ModelInputColumn> _inputs;
    private readonly byte[][] _names;
    private readonly int _maxRows;

    public RequestReader(IReadOnlyList<ModelInputColumn> inputs, int maxRows)
    {
        _inputs = inputs;
        _names = inputs.Select(i => Encoding.UTF8.GetBytes(i.Name)).ToArray();
        _maxRows = maxRows;
    }

    /// <summary><c>/predict</c>: one JSON object, column → value.</summary>
    public InputRows ReadObject(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, _options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw RequestErrors.NotAnObject("The body of /predict");
            }

            var rows = new InputRows(_inputs, 1);
            ReadRecord(ref reader, rows, 0, single: true);
            Finish(ref reader);
            return rows;
        }
        catch (JsonException e)
        {
            throw RequestErrors.MalformedJson(e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
        }
    }

    /// <summary><c>/invocations</c> JSON: exactly one of the MLflow keys.</summary>
    public InputRows ReadInvocation(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, _options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw RequestErrors.NotAnObject("The JSON body of /invocations");
            }

            var keys = new List<string>();
            var payload = default(Utf8JsonReader);
            string? format = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                keys.Add(key);
                if (format is null && _formats.Contains(key))
                {
                    format = key;
                    payload = reader;
                }

                reader.Read();
                reader.Skip();
            }

            Finish(ref reader);
            // "params" is the MLflow protocol's inference parameters: allowed beside the data, and unused by these models.
            var data = keys.Where(k => k != "params").ToList();
            if (format is null || data.Count != 1)
            {
                throw RequestErrors.Format(data);
            }

            reader = payload;
            reader.Read();
            return format switch
            {
                "dataframe_split" => ReadSplit(ref reader),
                "inputs" when reader.TokenType == JsonTokenType.StartObject => ReadColumns(ref reader),
                _ => ReadRecords(ref reader, format!),
            };
        }
        catch (JsonException e)
        {
            throw RequestErrors.MalformedJson(e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
        }
    }

    /// <summary>Records: <c>[{"col": value, …}, …]</c>.</summary>
    private InputRows ReadRecords(ref Utf8JsonReader reader, string format)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw RequestErrors.Bad($"'{format}' must be a list of rows, each a JSON object of column → value: [{{\"{_inputs[0].Name}\": …}}].");
        }

        var rows = new InputRows(_inputs, CountRows(reader));
        for (var row = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; row++)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw RequestErrors.Bad($"Row {row + 1} of '{format}' is not a JSON object of column → value.");
            }

            ReadRecord(ref reader, rows, row);
        }

        return rows;
    }

    /// <summary>One object, column → value, into row <paramref name="row"/>; the reader is on its start and ends on its end.</summary>
    private void ReadRecord(ref Utf8JsonReader reader, InputRows rows, int row, bool single = false)
    {
        Span<bool> seen = _inputs.Count <= 256 ? stackalloc bool[_inputs.Count] : new bool[_inputs.Count];
        List<string>? unknown = null;
        var next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var column = Find(ref reader, next);
            if (column < 0)
            {
                (unknown ??= []).Add(reader.GetString()!);
                reader.Read();
                reader.Skip();
                continue;
            }

            if (seen[column])
            {
                throw RequestErrors.Duplicate(_inputs[column].Name);
            }

            seen[column] = true;
            next = column + 1;
            reader.Read();
            ReadValue(ref reader, rows, column, row);
        }

        CheckColumns(single ? null : row, unknown, seen);
    }

    /// <summary><c>{"columns": [...], "data": [[...], ...]}</c> (pandas' split orientation; an "index" is ignored).</summary>
    private InputRows ReadSplit(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw RequestErrors.Bad("'dataframe_split' must be an object: {\"columns\": [names], \"data\": [[row values], …]}.");
        }

        int[]? map = null;
        var data = default(Utf8JsonReader);
        var hasData = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("columns"u8))
            {
                reader.Read();
                map = ReadColumnNames(ref reader);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                data = reader;
                hasData = true;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (map is null || !hasData)
        {
            throw RequestErrors.Bad($"'dataframe_split' needs both 'columns' and 'data'{(map is null ? "; 'columns' is missing" : "; 'data' is missing")}.");
        }

        reader = data;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw RequestErrors.Bad("'data' in 'dataframe_split' must be a list of rows, each a list of values in the order of 'columns'.");
        }

        var rows = new InputRows(_inputs, CountRows(reader));
        for (var row = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; row++)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw RequestErrors.Bad($"Row {row + 1} of 'data' is not a list of values.");
            }

            var count = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (count < map.Length)
                {
                    ReadValue(ref reader, rows, map[count], row);
                }
                else
                {
                    reader.Skip();
                }

                count++;
            }

            if (count != map.Length)
            {
                throw RequestErrors.RowLength(row, count, map.Length);
            }
        }

        return rows;
    }

    /// <summary>The input index of each name in a <c>columns</c> list; unknown, missing or repeated names fail.</summary>
    private int[] ReadColumnNames(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw RequestErrors.Bad("'columns' in 'dataframe_split' must be a list of column names.");
        }

        var map = new List<int>();
        Span<bool> seen = _inputs.Count <= 256 ? stackalloc bool[_inputs.Count] : new bool[_inputs.Count];
        List<string>? unknown = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw RequestErrors.Bad("'columns' in 'dataframe_split' must be a list of column names (text).");
            }

            var column = Find(ref reader, map.Count);
            if (column < 0)
            {
                (unknown ??= []).Add(reader.GetString()!);
            }
            else if (seen[column])
            {
                throw RequestErrors.Duplicate(_inputs[column].Name);
            }
            else
            {
                seen[column] = true;
            }

            map.Add(column);
        }

        CheckColumns(null, unknown, seen);
        return [.. map];
    }

    /// <summary>Columns: <c>{"col": [values], …}</c>, one value per row in each.</summary>
    private InputRows ReadColumns(ref Utf8JsonReader reader)
    {
        // First pass: names and lengths, so that the rows can be allocated once.
        var probe = reader;
        var length = -1;
        Span<bool> seen = _inputs.Count <= 256 ? stackalloc bool[_inputs.Count] : new bool[_inputs.Count];
        List<string>? unknown = null;
        while (probe.Read() && probe.TokenType == JsonTokenType.PropertyName)
        {
            var column = Find(ref probe, 0);
            var name = probe.GetString()!;
            if (column < 0)
            {
                (unknown ??= []).Add(name);
            }
            else if (seen[column])
            {
                throw RequestErrors.Duplicate(name);
            }
            else
            {
                seen[column] = true;
            }

            probe.Read();
            if (probe.TokenType != JsonTokenType.StartArray)
            {
                throw RequestErrors.Bad($"The column '{(name.Length > 40 ? name[..40] + "…" : name)}' in 'inputs' must be a list of values, one per row.");
            }

            var count = CountRows(probe);
            if (length >= 0 && count != length)
            {
                throw RequestErrors.ColumnLengths(name, count, length);
            }

            length = count;
            probe.Skip();
        }

        CheckColumns(null, unknown, seen);
        var rows = new InputRows(_inputs, Math.Max(length, 0));
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var column = Find(ref reader, 0);
            reader.Read();
            for (var row = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; row++)
            {
                ReadValue(ref reader, rows, column, row);
            }
        }

        if (rows.Count == 0)
        {
            throw RequestErrors.NoRows();
        }

        return rows;
    }

    /// <summary>The elements of the array the reader is on, with the row limit and the empty batch checked.</summary>
    private int CountRows(Utf8JsonReader reader)
    {
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (++count > _maxRows)
            {
                throw RequestErrors.TooManyRows(count, _maxRows);
            }

            reader.Skip();
        }

        return count == 0 ? throw RequestErrors.NoRows() : count;
    }

    private void ReadValue(ref Utf8JsonReader reader, InputRows rows, int column, int row)
    {
        var input = _inputs[column];
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                if (!input.HasMissing)
                {
                    throw RequestErrors.NullNotAllowed(row, input);
                }

                return;
            case JsonTokenType.Number when input.IsNumber:
                rows.Numbers(column)[row] = Number(ref reader, input, row);
                return;
            case JsonTokenType.True or JsonTokenType.False when input.Type == ModelInputTypes.Bool:
                rows.Numbers(column)[row] = reader.TokenType == JsonTokenType.True ? 1 : 0;
                return;
            case JsonTokenType.String when input.Type == ModelInputTypes.String:
                rows.Texts(column)[row] = reader.GetString();
                return;
            case JsonTokenType.String when input.Type == ModelInputTypes.DateTime:
                var text = reader.GetString()!;
                rows.Dates(column)[row] = TryDate(text, out var date) ? date : throw RequestErrors.WrongType(row, input, RequestErrors.Describe("the text", text));
                return;
            default:
                throw RequestErrors.WrongType(row, input, Found(ref reader));
        }
    }

    private static double Number(ref Utf8JsonReader reader, ModelInputColumn input, int row)
    {
        switch (input.Type)
        {
            case ModelInputTypes.Float when reader.TryGetSingle(out var single) && float.IsFinite(single):
                return single;
            case ModelInputTypes.Int or ModelInputTypes.Long:
                if (reader.TryGetInt64(out var whole) && (input.Type == ModelInputTypes.Long || whole is >= int.MinValue and <= int.MaxValue))
                {
                    return whole;
                }

                // 181.0 is a whole number too (pandas writes integers with missing values that way).
                if (reader.TryGetDouble(out var integral) && Math.Floor(integral) == integral && Math.Abs(integral) <= (input.Type == ModelInputTypes.Int ? int.MaxValue : 9.007199254740992E15))
                {
                    return integral;
                }

                break;
            default:
                if (input.Type != ModelInputTypes.Float && reader.TryGetDouble(out var number) && double.IsFinite(number))
                {
                    return number;
                }

                break;
        }

        throw RequestErrors.WrongType(row, input, RequestErrors.Describe("the number", Encoding.UTF8.GetString(reader.ValueSpan)));
    }

    private static string Found(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return RequestErrors.Describe("the text", reader.GetString());
            case JsonTokenType.Number:
                return RequestErrors.Describe("the number", Encoding.UTF8.GetString(reader.ValueSpan));
            case JsonTokenType.True or JsonTokenType.False:
                return reader.TokenType == JsonTokenType.True ? "true" : "false";
            case JsonTokenType.StartObject:
                reader.Skip();
                return "an object";
            case JsonTokenType.StartArray:
                reader.Skip();
                return "a list";
            default:
                return reader.TokenType.ToString();
        }
    }

    /// <summary>The input a property or string token names, trying <paramref name="expected"/> first (clients usually send columns in order).</summary>
    private int Find(ref Utf8JsonReader reader, int expected)
    {
        if (expected < _names.Length && reader.ValueTextEquals(_names[expected]))
        {
            return expected;
        }

        for (var i = 0; i < _names.Length; i++)
        {
            if (i != expected && reader.ValueTextEquals(_names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private void CheckColumns(int? row, List<string>? unknown, ReadOnlySpan<bool> seen)
    {
        if (unknown is null && !seen.Contains(false))
        {
            return;
        }

        var missing = new List<string>();
        for (var i = 0; i < seen.Length; i++)
        {
            if (!seen[i])
            {
                missing.Add(_inputs[i].Name);
            }
        }

        throw RequestErrors.Columns(row, (IReadOnlyCollection<string>?)unknown ?? [], missing, _inputs);
    }

    private static void Finish(ref Utf8JsonReader reader)
    {
        // Anything after the top-level value but whitespace makes the reader throw (malformed JSON).
        while (reader.Read())
        {
        }
    }

    /// <summary>CSV with a header row (RFC 4180 quoting): empty fields, NA, null and NaN are missing, as when files are loaded.</summary>
    public InputRows ReadCsv(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body);
        using var reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true, HasHeader = true }).FromText(text);
        var header = reader.Header.ColNames;
        if (header.Count == 0 || (header.Count == 1 && header[0].Length == 0))
        {
            throw RequestErrors.Bad("The CSV body is empty: send a header row with the column names, then one line per row.");
        }

        var map = new int[header.Count];
        Span<bool> seen = _inputs.Count <= 256 ? stackalloc bool[_inputs.Count] : new bool[_inputs.Count];
        List<string>? unknown = null;
        for (var j = 0; j < header.Count; j++)
        {
            var column = -1;
            for (var i = 0; i < _inputs.Count; i++)
            {
                if (_inputs[i].Name == header[j])
                {
                    column = i;
                }
            }

            if (column >= 0 && seen[column])
            {
                throw RequestErrors.Duplicate(header[j]);
            }

            if (column >= 0)
            {
                seen[column] = true;
            }
            else
            {
                (unknown ??= []).Add(header[j]);
            }

            map[j] = column;
        }

        CheckColumns(null, unknown, seen);
        var lines = new List<string[]>();
        foreach (var record in reader)
        {
            if (record.ColCount != header.Count)
            {
                throw RequestErrors.Csv(record.LineNumberFrom, $"{record.ColCount} field{(record.ColCount == 1 ? "" : "s")}, but the header names {header.Count}.");
            }

            if (lines.Count == _maxRows)
            {
                throw RequestErrors.TooManyRows(_maxRows + 1, _maxRows);
            }

            var values = new string[header.Count];
            for (var j = 0; j < values.Length; j++)
            {
                values[j] = record[j].ToString();
            }

            lines.Add(values);
        }

        if (lines.Count == 0)
        {
            throw RequestErrors.NoRows();
        }

        var rows = new InputRows(_inputs, lines.Count);
        for (var row = 0; row < lines.Count; row++)
        {
            for (var j = 0; j < map.Length; j++)
            {
                SetText(rows, map[j], row, lines[row][j]);
            }
        }

        return rows;
    }

    private void SetText(InputRows rows, int column, int row, string value)
    {
        var input = _inputs[column];
        if (value.Length == 0 || value is "NA" or "null" or "NaN")
        {
            if (!input.HasMissing)
            {
                throw RequestErrors.NullNotAllowed(row, input);
            }

            return;
        }

        var invariant = CultureInfo.InvariantCulture;
        switch (input.Type)
        {
            case ModelInputTypes.String:
                rows.Texts(column)[row] = value;
                return;
            case ModelInputTypes.DateTime:
                rows.Dates(column)[row] = TryDate(value, out var date) ? date : throw RequestErrors.WrongType(row, input, RequestErrors.Describe("the text", value));
                return;
            case ModelInputTypes.Bool:
                rows.Numbers(column)[row] = bool.TryParse(value, out var flag) ? (flag ? 1 : 0) : throw RequestErrors.WrongType(row, input, RequestErrors.Describe("the text", value));
                return;
            case ModelInputTypes.Float:
                rows.Numbers(column)[row] = float.TryParse(value, NumberStyles.Float, invariant, out var single) && float.IsFinite(single) ? single : throw RequestErrors.WrongType(row, input, RequestErrors.Describe("the text", value));
                return;
            case ModelInputTypes.Int or ModelInputTypes.Long:
                rows.Numbers(column)[row] = long.TryParse(value, NumberStyles.Integer, invariant, out var whole) && (input.Type == ModelInputTypes.Long || whole is >= int.MinValue and <= int.MaxValue) ? whole
                    : double.TryParse(value, NumberStyles.Float, invariant, out var integral) && Math.Floor(integral) == integral && Math.Abs(integral) <= int.MaxValue ? integral
                    : throw RequestErrors.WrongType(row, input, RequestErrors.Describe("the text", value));
                return;
            default:
                rows.Numbers(column)[row] = double.TryParse(value, NumberStyles.Float, invariant, out var number) && double.IsFinite(number) ? number : throw RequestErrors.WrongType(row, input, RequestErrors.Describe("the text", value));
                return;
        }
    }

    /// <summary>ISO 8601 date-times; without a zone they are UTC, as the loader reads files.</summary>
    private static bool TryDate(string text, out DateTime value) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);
}
