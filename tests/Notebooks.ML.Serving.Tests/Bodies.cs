using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Analysis;
using Notebooks.ML.Training;

namespace Notebooks.ML.Serving.Tests;

/// <summary>Request bodies in every format the API takes, built from rows of a DataFrame.</summary>
internal static class Bodies
{
    public static JsonNode? Value(object? value) => value switch
    {
        null => null,
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        bool b => b,
        float f => JsonValue.Create(f),
        double d => d,
        int i => i,
        long l => l,
        string s => s,
        _ => throw new ArgumentException(value.GetType().Name),
    };

    public static JsonObject Record(TrainedModel model, DataFrame data, int row) =>
        new(model.Inputs.Select(i => KeyValuePair.Create(i.Name, Value(data[i.Name][row]))));

    public static string Split(TrainedModel model, DataFrame data, int[] rows) => new JsonObject
    {
        ["dataframe_split"] = new JsonObject
        {
            ["columns"] = new JsonArray(model.Inputs.Select(i => (JsonNode?)i.Name).ToArray()),
            ["data"] = new JsonArray(rows.Select(r => (JsonNode?)new JsonArray(model.Inputs.Select(i => Value(data[i.Name][r])).ToArray())).ToArray()),
        },
    }.ToJsonString();

    public static string Records(string key, TrainedModel model, DataFrame data, int[] rows) => new JsonObject
    {
        [key] = new JsonArray(rows.Select(r => (JsonNode?)Record(model, data, r)).ToArray()),
    }.ToJsonString();

    public static string Columns(TrainedModel model, DataFrame data, int[] rows) => new JsonObject
    {
        ["inputs"] = new JsonObject(model.Inputs.Select(i => KeyValuePair.Create(i.Name, (JsonNode?)new JsonArray(rows.Select(r => Value(data[i.Name][r])).ToArray())))),
    }.ToJsonString();

    public static string Csv(TrainedModel model, DataFrame data, int[] rows)
    {
        var text = new StringBuilder(string.Join(",", model.Inputs.Select(i => i.Name))).Append('\n');
        foreach (var r in rows)
        {
            text.Append(string.Join(",", model.Inputs.Select(i => Value(data[i.Name][r]) switch
            {
                null => "",
                JsonValue v when v.TryGetValue<string>(out var s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
                var v => v.ToJsonString(),
            }))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The prediction objects of an answer: <c>{"predictions": [...]}</c> or one object.</summary>
    public static IReadOnlyList<JsonElement> Predictions(string json)
    {
        var root = JsonDocument.Parse(json).RootElement;
        return root.TryGetProperty("predictions", out var list) ? list.EnumerateArray().ToList() : [root];
    }
}
