using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Notebooks.Runner.Reports;

/// <summary>
/// Recognises the HTML that Plotly.NET's notebook formatter writes for a chart (a div and a script that fetches
/// require.js and plotly.js from CDNs) and rewrites it to draw with the plotly.js embedded once in the report.
/// </summary>
internal static partial class ChartOutput
{
    public static bool IsChart(string html) => html.Contains("Plotly.newPlot(", StringComparison.Ordinal);

    /// <summary>
    /// The same charts (an output may hold several, as #!profile's small multiples), each drawn by the page's own
    /// plotly.js under an id from <paramref name="nextId"/>; null when the HTML holds no Plotly.NET chart.
    /// </summary>
    public static string? Rewrite(string html, Func<string> nextId)
    {
        var data = DataLine().Matches(html);
        var layouts = LayoutLine().Matches(html);
        var configs = ConfigLine().Matches(html);
        if (data.Count == 0 || layouts.Count != data.Count)
        {
            return null;
        }

        var charts = new StringBuilder();
        for (var i = 0; i < data.Count; i++)
        {
            var id = nextId();
            var layout = layouts[i].Groups[1].Value;
            var configJson = configs.Count == data.Count ? configs[i].Groups[1].Value : "{}";
            var call = $"Plotly.newPlot('{id}', {data[i].Groups[1].Value}, {layout}, {configJson});";
            // A chart with a fixed width (the small multiples of #!profile) sits beside its neighbours instead of taking a row.
            var width = FixedWidth(layout);
            var style = width is { } w ? $" style=\"width:{w}px\"" : "";
            // JSON may hold "</script>" inside a title; "<\/" keeps the script element whole and means the same to JavaScript.
            charts.Append($"<div class=\"chart{(width is null ? "" : " fixed")}\" id=\"{id}\"{style}></div>\n<script>{call.Replace("</", "<\\/", StringComparison.Ordinal)}</script>");
        }

        return charts.ToString();
    }

    private static int? FixedWidth(string layout)
    {
        try
        {
            using var json = JsonDocument.Parse(layout);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("width", out var width) && width.TryGetInt32(out var pixels) && pixels > 0
                ? pixels
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^\s*var data = (.*);\s*$", RegexOptions.Multiline)]
    private static partial Regex DataLine();

    [GeneratedRegex(@"^\s*var layout = (.*);\s*$", RegexOptions.Multiline)]
    private static partial Regex LayoutLine();

    [GeneratedRegex(@"^\s*var config = (.*);\s*$", RegexOptions.Multiline)]
    private static partial Regex ConfigLine();
}
