using System.Text.Json;
using Plotly.NET;

namespace Notebooks.ML.Tests.Charts;

/// <summary>A chart's JSON (data, layout, config) with the questions the chart tests ask of it.</summary>
internal sealed class ChartJson
{
    private ChartJson(string text)
    {
        Text = text;
        Root = JsonDocument.Parse(text).RootElement;
    }

    public string Text { get; }

    public JsonElement Root { get; }

    public JsonElement[] Traces => [.. Root.GetProperty("data").EnumerateArray()];

    public JsonElement Layout => Root.GetProperty("layout");

    public string[] TraceTypes => Traces.Select(t => t.GetProperty("type").GetString()!).ToArray();

    public string[] TraceNames => Traces.Where(t => t.TryGetProperty("name", out _)).Select(t => t.GetProperty("name").GetString()!).ToArray();

    public string Title => Layout.GetProperty("title").GetProperty("text").GetString()!;

    public string? Note => Layout.TryGetProperty("annotations", out var notes) ? notes[0].GetProperty("text").GetString() : null;

    public static ChartJson Of(GenericChart chart) => new(GenericChart.toJson(chart));

    public string AxisTitle(string axis) => Layout.GetProperty(axis).GetProperty("title").GetProperty("text").GetString()!;

    public string? AxisType(string axis) => Layout.GetProperty(axis).TryGetProperty("type", out var type) ? type.GetString() : null;

    /// <summary>How many values a trace ships in <paramref name="field"/> (x, y …).</summary>
    public static int Length(JsonElement trace, string field) => trace.GetProperty(field).GetArrayLength();

    public int Points(string field = "x") => Traces.Sum(t => Length(t, field));

    public static double[] Numbers(JsonElement trace, string field) => [.. trace.GetProperty(field).EnumerateArray().Select(v => v.GetDouble())];

    public static string[] Strings(JsonElement trace, string field) => [.. trace.GetProperty(field).EnumerateArray().Select(v => v.GetString()!)];
}
