using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Notebooks.Tests;
using Plotly.NET;

namespace Notebooks.ML.Tests.Charts;

/// <summary>The marks plotly.js drew for one trace, counted from the DOM by chart-probe.js.</summary>
internal sealed record TraceMarks(
    int Index, string Type, string Name, bool Visible,
    int Points, int Lines, int Bars, int Boxes, int Violins, int Images, int Texts, int Pixels)
{
    /// <summary>Everything this trace drew: SVG marks, heatmap images, or coloured WebGL pixels.</summary>
    public int Marks => Points + Lines + Bars + Boxes + Violins + Images + Pixels;

    public override string ToString() =>
        $"#{Index} {Type} '{Name}'{(Visible ? "" : " (hidden)")}: points {Points}, lines {Lines}, bars {Bars}, boxes {Boxes}, violins {Violins}, images {Images}, texts {Texts}, gl pixels {Pixels}";
}

/// <summary>What the browser made of one chart: whether Plotly drew it, its marks per trace and its text layout.</summary>
internal sealed record ChartDrawing(
    string Id, bool Drawn, TraceMarks[] Traces, int NanPaths, int TinyTexts, string[] Overlaps, string[] Clipped,
    int PlotWidth, int PlotHeight, int Width, int Height)
{
    public override string ToString() =>
        $"chart '{Id}' ({Width}×{Height}, plot {PlotWidth}×{PlotHeight}{(Drawn ? "" : ", NOT DRAWN")}):\n  " + string.Join("\n  ", Traces.Select(t => t.ToString()));
}

/// <summary>A page of charts as Chromium drew it: the script errors, each chart's drawing, and the screenshot.</summary>
internal sealed class DrawnPage(string errors, IReadOnlyDictionary<string, ChartDrawing> charts, string screenshot)
{
    public string Errors { get; } = errors;

    public IReadOnlyDictionary<string, ChartDrawing> Charts { get; } = charts;

    public string Screenshot { get; } = screenshot;

    public ChartDrawing this[string id] =>
        Charts.TryGetValue(id, out var chart) ? chart : throw new KeyNotFoundException($"no chart '{id}' on the page; charts: {string.Join(", ", Charts.Keys)}");
}

/// <summary>
/// A standalone HTML page of charts with plotly.js embedded from the Plotly.NET assembly (never a CDN), so that it
/// opens offline, and chart-probe.js, which counts what Plotly drew. <see cref="Draw"/> renders the page in headless
/// Chromium and keeps the page and its screenshot under the test output (browser/NAME.html, .png).
/// </summary>
internal static partial class ChartPage
{
    private const string PlotlyResource = "Plotly.NET.plotly-2.28.0.min.js";
    private const int PageWidth = 920;
    private const int ChartWidth = 900;
    private const int Gap = 8;

    private static readonly JsonSerializerOptions _json = new() { PropertyNameCaseInsensitive = true };

    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "browser");

    public static string PlotlyJs()
    {
        using var stream = typeof(GenericChart).Assembly.GetManifestResourceStream(PlotlyResource)
            ?? throw new InvalidOperationException($"Plotly.NET carries no resource {PlotlyResource}; resources: {string.Join(", ", typeof(GenericChart).Assembly.GetManifestResourceNames())}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string ProbeJs()
    {
        using var stream = typeof(ChartPage).Assembly.GetManifestResourceStream("chart-probe.js")
            ?? throw new InvalidOperationException("The test assembly carries no chart-probe.js.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Draws <paramref name="charts"/> on one page in Chromium and reads back what each drew.</summary>
    public static DrawnPage Draw(string name, IReadOnlyList<(string Id, GenericChart Chart)> charts)
    {
        Directory.CreateDirectory(Folder);
        var html = Path.Combine(Folder, $"{name}.html");
        var sizes = charts.Select(c => Size(c.Chart)).ToList();
        File.WriteAllText(html, Html(charts, sizes));
        var page = Chromium.Render(html, Path.Combine(Folder, $"{name}.png"), width: PageWidth, height: PageHeight(sizes), budgetMilliseconds: 60_000);
        var errors = Text(ErrorsPattern(), page.Dom) ?? "(no error box in the DOM)";
        var marks = Text(MarksPattern(), page.Dom) ?? "";
        if (!marks.StartsWith('['))
        {
            Assert.Fail($"The probe did not report on page '{name}': '{marks}'. Script errors: {errors}\nChromium's log:\n{page.Log}");
        }

        File.WriteAllText(Path.Combine(Folder, $"{name}.marks.json"), marks);
        var drawings = JsonSerializer.Deserialize<ChartDrawing[]>(marks, _json)!;
        return new DrawnPage(errors, drawings.ToDictionary(d => d.Id), page.ScreenshotPath);
    }

    public static string Html(IReadOnlyList<(string Id, GenericChart Chart)> charts, IReadOnlyList<(int Width, int Height)>? sizes = null)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>charts</title>");
        html.Append($"<style>html{{background:#fff}}body{{margin:0;background:#fff;font-family:sans-serif;width:{PageWidth}px}}.chart{{display:inline-block;vertical-align:top;margin:0 {Gap}px {Gap}px 0}}#errors:empty,#marks{{display:none}}</style>");
        html.Append("<script>window.chartErrors=[];window.reportErrors=function(){var p=document.getElementById('errors');if(p){p.textContent=window.chartErrors.join('\\n');}};")
            .Append("window.addEventListener('error',function(e){window.chartErrors.push(String(e.message));window.reportErrors();});</script>");
        html.Append("<script>").Append(PlotlyJs().Replace("</script>", "<\\/script>", StringComparison.Ordinal)).Append("</script>");
        html.Append("<script>").Append(ProbeJs()).Append("</script>");
        html.Append("</head><body><pre id=\"errors\"></pre><pre id=\"marks\"></pre>");
        for (var i = 0; i < charts.Count; i++)
        {
            var (id, chart) = charts[i];
            var json = GenericChart.toJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
            var name = WebUtility.HtmlEncode(id);
            var width = sizes?[i].Width ?? ChartWidth;
            html.Append($"<div class=\"chart\" id=\"chart-{name}\" data-drawn=\"no\" style=\"width:{width}px\"></div>");
            html.Append($"<script>drawChart('{name}',").Append(json).Append(");</script>");
        }

        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>A chart's width and height: its layout's, else the page's width and Plotly's default height.</summary>
    private static (int Width, int Height) Size(GenericChart chart)
    {
        var layout = JsonDocument.Parse(GenericChart.toJson(chart)).RootElement.GetProperty("layout");
        var width = layout.TryGetProperty("width", out var w) ? (int)w.GetDouble() : ChartWidth;
        var height = layout.TryGetProperty("height", out var h) ? (int)h.GetDouble() : 450;
        return (Math.Min(width, ChartWidth), height);
    }

    /// <summary>The height the charts take when they flow left to right, row by row, as the page lays them out.</summary>
    private static int PageHeight(IReadOnlyList<(int Width, int Height)> sizes)
    {
        int total = 0, x = 0, row = 0;
        foreach (var (width, height) in sizes)
        {
            if (x > 0 && x + width + Gap > PageWidth)
            {
                total += row + Gap;
                x = 0;
                row = 0;
            }

            x += width + Gap;
            row = Math.Max(row, height);
        }

        return total + row + Gap + 20;
    }

    private static string? Text(Regex pattern, string dom) => pattern.Match(dom) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    [GeneratedRegex("<pre id=\"errors\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ErrorsPattern();

    [GeneratedRegex("<pre id=\"marks\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex MarksPattern();
}
