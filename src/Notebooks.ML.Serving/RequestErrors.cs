using System.Globalization;
using Notebooks.ML.Training;

namespace Notebooks.ML.Serving;

/// <summary>A client's mistake: answered with its status and <c>{"error_code": …, "message": …}</c>, never a stack trace.</summary>
internal sealed class RequestException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;
}

/// <summary>
/// The one place that words the serving API's errors. They name the row, the column and the offending value
/// (shortened), and what was expected; they never repeat the request's data beyond that value.
/// </summary>
internal static class RequestErrors
{
    public const string BadRequest = "BAD_REQUEST";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string TooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string NotFound = "NOT_FOUND";

    private const int Shown = 40;

    public static RequestException Bad(string message) => new(400, BadRequest, message);

    public static RequestException MalformedJson(long line, long position) =>
        Bad($"The request body is not valid JSON (line {line + 1}, byte {position + 1}).");

    public static RequestException NotAnObject(string what) => Bad($"{what} must be a JSON object.");

    public static RequestException Format(IEnumerable<string> found) =>
        Bad($"The JSON body needs exactly one of the keys dataframe_split, dataframe_records, instances or inputs (the MLflow scoring protocol){Found(found)}.");

    /// <summary>Unknown and missing columns in one message: a misspelt name is usually both.</summary>
    public static RequestException Columns(int? row, IReadOnlyCollection<string> unknown, IReadOnlyCollection<string> missing, IReadOnlyList<ModelInputColumn> inputs)
    {
        var parts = new List<string>();
        if (unknown.Count > 0)
        {
            parts.Add($"unknown column{Plural(unknown)} {Names(unknown)}");
        }

        if (missing.Count > 0)
        {
            parts.Add($"missing column{Plural(missing)} {Names(missing)}");
        }

        var where = row is { } r ? $"Row {r + 1}: " : "";
        var text = string.Join("; ", parts);
        return Bad($"{where}{(where.Length == 0 ? char.ToUpperInvariant(text[0]) + text[1..] : text)}. Every row needs each of the model's inputs, and no other column: {Inputs(inputs)}. Send null for a missing value where a column may be null.");
    }

    public static RequestException Duplicate(string column) => Bad($"The column '{Short(column)}' is given twice.");

    public static RequestException NoRows() => Bad("The request holds no rows: send at least one.");

    public static RequestException TooManyRows(int rows, int limit) =>
        Bad($"The request holds {(rows > limit ? rows.ToString("N0", CultureInfo.InvariantCulture) : "more than " + limit.ToString("N0", CultureInfo.InvariantCulture))} rows; the limit is {limit.ToString("N0", CultureInfo.InvariantCulture)} per request. Send smaller batches.");

    public static RequestException WrongType(int row, ModelInputColumn column, string found) =>
        Bad($"Row {row + 1}, column '{column.Name}': expected {Expected(column)}, but got {found}.");

    public static RequestException NullNotAllowed(int row, ModelInputColumn column) =>
        Bad($"Row {row + 1}, column '{column.Name}': the value is missing, but the model saw no missing values in '{column.Name}' when it was trained, so it cannot impute one. Send {Expected(column)}.");

    public static RequestException RowLength(int row, int values, int columns) =>
        Bad($"Row {row + 1} has {values} value{(values == 1 ? "" : "s")}, but 'columns' names {columns}.");

    public static RequestException ColumnLengths(string column, int length, int expected) =>
        Bad($"The column '{Short(column)}' in 'inputs' has {length} value{(length == 1 ? "" : "s")}, but the first column has {expected}: every column needs one value per row.");

    public static RequestException Csv(int line, string problem) => Bad($"Line {line} of the CSV body: {problem}");

    public static RequestException UnsupportedContentType(string? contentType) =>
        new(415, UnsupportedMediaType, $"The content type {(string.IsNullOrWhiteSpace(contentType) ? "is missing" : $"'{Short(contentType)}' is not supported")}: send application/json, or text/csv with a header row (to /invocations).");

    public static RequestException CsvToPredict() =>
        new(415, UnsupportedMediaType, "/predict takes one JSON object (application/json); send CSV to /invocations.");

    public static RequestException BodyTooLarge(long limit) =>
        new(413, TooLarge, $"The request body is larger than the limit of {Bytes(limit)}. Send smaller batches.");

    public static RequestException MissingKey() =>
        new(401, Unauthorized, "This server needs an API key: send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'.");

    public static RequestException WrongKey() => new(401, Unauthorized, "The API key is not valid.");

    /// <summary>A value as the message shows it: its JSON kind, and the value itself shortened.</summary>
    public static string Describe(string kind, string? text) =>
        text is null ? kind : $"{kind} {Quote(text)}";

    public static string Expected(ModelInputColumn column) => column.Type switch
    {
        ModelInputTypes.Int or ModelInputTypes.Long => $"a whole number ({column.Type})",
        ModelInputTypes.Double or ModelInputTypes.Float => $"a number ({column.Type})",
        ModelInputTypes.Bool => "true or false (bool)",
        ModelInputTypes.DateTime => "a date-time as ISO 8601 text, such as \"2024-01-31T08:00:00Z\" (datetime)",
        _ => "text (string)",
    };

    public static string Inputs(IReadOnlyList<ModelInputColumn> inputs) =>
        string.Join(", ", inputs.Select(i => $"{i.Name} ({i.Type}{(i.HasMissing ? ", may be null" : "")})"));

    private static string Quote(string text) => text.Length <= Shown ? $"'{text}'" : $"'{text[..Shown]}…' ({text.Length:N0} characters)";

    private static string Short(string text) => text.Length <= Shown ? text : text[..Shown] + "…";

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        var shown = string.Join(", ", list.Take(10).Select(n => $"'{Short(n)}'"));
        return list.Count > 10 ? $"{shown} and {list.Count - 10} more" : shown;
    }

    private static string Plural(IEnumerable<string> names) => names.Skip(1).Any() ? "s" : "";

    private static string Found(IEnumerable<string> found)
    {
        var list = found.ToList();
        return list.Count == 0 ? ", but it has none" : $", but it has {Names(list)}";
    }

    private static string Bytes(long bytes) =>
        bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MB"
        : bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024} KB"
        : $"{bytes:N0} bytes";
}
