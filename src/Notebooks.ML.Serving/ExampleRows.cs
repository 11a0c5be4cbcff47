using System.Globalization;
using System.Text;
using System.Text.Json;
using Notebooks.ML.Training;

namespace Notebooks.ML.Serving;

/// <summary>
/// The model's example row (one real training row, kept in the model) as a request: the JSON a client sends, and a
/// curl command that really works when pasted into a shell.
/// </summary>
public static class ExampleRows
{
    /// <summary>The example row as <c>/predict</c>'s JSON object: <c>{"island": "Torgersen", "bill_length_mm": 39.1, …}</c>.</summary>
    public static string Json(TrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteObject(writer, model);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The example row as an MLflow <c>dataframe_split</c> body for <c>/invocations</c>.</summary>
    public static string Invocation(TrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("dataframe_split");
            writer.WriteStartArray("columns");
            foreach (var input in model.Inputs)
            {
                writer.WriteStringValue(input.Name);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("data");
            writer.WriteStartArray();
            foreach (var input in model.Inputs)
            {
                WriteValue(writer, input);
            }

            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// A curl command that posts the example row to <paramref name="url"/> (<c>/predict</c>, or <c>/invocations</c>
    /// with <paramref name="invocations"/>), quoted for a POSIX shell. With <paramref name="apiKey"/>, the key is read
    /// from <c>$NOTEBOOKS_ML_API_KEY</c>, so that the command can be shared without it.
    /// </summary>
    public static string Curl(TrainedModel model, string url, bool apiKey = false, bool invocations = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var endpoint = url.TrimEnd('/') + (invocations ? "/invocations" : "/predict");
        var key = apiKey ? $" -H \"Authorization: Bearer ${ServeOptions.ApiKeyVariable}\"" : "";
        return $"curl -s {endpoint} -H 'Content-Type: application/json'{key} -d {ShellQuote(invocations ? Invocation(model) : Json(model))}";
    }

    /// <summary>Single-quotes <paramref name="text"/> for a POSIX shell (a quote inside becomes <c>'\''</c>).</summary>
    public static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The example row as rows the scorer takes (placeholders where the model kept no example).</summary>
    internal static InputRows Of(TrainedModel model)
    {
        var rows = new InputRows(model.Inputs, 1);
        for (var i = 0; i < model.Inputs.Count; i++)
        {
            switch (Value(model.Inputs[i]))
            {
                case string text when model.Inputs[i].Type == ModelInputTypes.DateTime:
                    rows.Dates(i)[0] = DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                    break;
                case string text:
                    rows.Texts(i)[0] = text;
                    break;
                case bool flag:
                    rows.Numbers(i)[0] = flag ? 1 : 0;
                    break;
                case double number:
                    rows.Numbers(i)[0] = number;
                    break;
                case long whole:
                    rows.Numbers(i)[0] = whole;
                    break;
            }
        }

        return rows;
    }

    internal static void WriteObject(Utf8JsonWriter writer, TrainedModel model)
    {
        writer.WriteStartObject();
        foreach (var input in model.Inputs)
        {
            writer.WritePropertyName(input.Name);
            WriteValue(writer, input);
        }

        writer.WriteEndObject();
    }

    internal static void WriteValue(Utf8JsonWriter writer, ModelInputColumn input)
    {
        switch (Value(input))
        {
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case long whole:
                writer.WriteNumberValue(whole);
                break;
            case double number:
                writer.WriteRawValue(number.ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>The example value typed for JSON, or a placeholder of the right type for a model saved without examples.</summary>
    internal static object Value(ModelInputColumn input)
    {
        var text = input.Example;
        var invariant = CultureInfo.InvariantCulture;
        return input.Type switch
        {
            ModelInputTypes.Bool => text is not null && bool.TryParse(text, out var flag) && flag,
            ModelInputTypes.Int or ModelInputTypes.Long => text is not null && long.TryParse(text, NumberStyles.Integer, invariant, out var whole) ? whole : 0L,
            ModelInputTypes.Double or ModelInputTypes.Float => text is not null && double.TryParse(text, NumberStyles.Float, invariant, out var number) ? number : 0d,
            ModelInputTypes.DateTime => text ?? "2024-01-01T00:00:00",
            _ => text ?? "example",
        };
    }
}
