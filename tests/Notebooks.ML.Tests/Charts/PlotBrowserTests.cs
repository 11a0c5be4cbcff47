using System.Text.RegularExpressions;
using Microsoft.Data.Analysis;
using Notebooks.ML.Charts;
using Notebooks.Tests;
using Plotly.NET;

namespace Notebooks.ML.Tests.Charts;

/// <summary>
/// Charts drawn by plotly.js in headless Chromium, offline. The DOM shows what Plotly drew; the screenshots are
/// kept under the test output (browser/*.png) for a person to look at.
/// </summary>
public sealed partial class PlotBrowserTests
{
    private static readonly string _output = Path.Combine(AppContext.BaseDirectory, "browser");

    private static DataFrame Iris() => Notebooks.ML.Data.DataLoader.Load(Repo.Data("iris.csv")).Data;

    [Fact]
    public void Every_kind_of_chart_is_drawn_by_plotly_in_a_browser_with_no_network()
    {
        var iris = Iris();
        var days = Frames.Simple(120);
        var charts = new (string Id, GenericChart Chart)[]
        {
            ("scatter", Plot.Create(iris, new ChartOptions { Kind = "scatter", X = "Petal.Length", Y = "Petal.Width", Color = "Species" })),
            ("line", Plot.Create(days, new ChartOptions { Kind = "line", X = "d", Y = "c", Color = "g" })),
            ("bar", Plot.Create(iris, new ChartOptions { Kind = "bar", X = "Species", Y = "Sepal.Length", Agg = "median" })),
            ("histogram", Plot.Create(iris, new ChartOptions { Kind = "histogram", X = "Sepal.Length", Color = "Species" })),
            ("box", Plot.Create(iris, new ChartOptions { Kind = "box", X = "Species", Y = "Sepal.Width" })),
            ("violin", Plot.Create(iris, new ChartOptions { Kind = "violin", X = "Species", Y = "Petal.Length" })),
            ("heatmap", Plot.Create(days, new ChartOptions { Kind = "heatmap", X = "n", Y = "g", Z = "x" })),
            ("corr", Plot.Create(iris, new ChartOptions { Kind = "corr" })),
        };

        var page = Render("kinds", charts, height: 8 * 470);

        Assert.Equal("", Errors(page.Dom));
        foreach (var (id, _) in charts)
        {
            var chart = ChartDom(page.Dom, id);
            Assert.True(chart.Contains("data-drawn=\"yes\"", StringComparison.Ordinal), $"Plotly did not finish drawing '{id}'");
            Assert.Contains("class=\"main-svg\"", chart, StringComparison.Ordinal);
        }

        // 150 iris flowers drawn as 150 SVG points in three legend entries.
        Assert.Equal(150, Count(ChartDom(page.Dom, "scatter"), "class=\"point\""));
        Assert.Equal(3, Count(ChartDom(page.Dom, "scatter"), "class=\"traces\""));
        Assert.Contains("Petal.Width vs Petal.Length by Species", ChartDom(page.Dom, "scatter"), StringComparison.Ordinal);
        Assert.Equal(3, Count(ChartDom(page.Dom, "bar"), "class=\"point\""));
        Assert.Equal(3, Count(ChartDom(page.Dom, "box"), "class=\"box\""));
        Assert.Equal(3, Count(ChartDom(page.Dom, "violin"), "class=\"violin\""));
        Assert.Contains("class=\"hm\"", ChartDom(page.Dom, "heatmap"), StringComparison.Ordinal);
        Assert.Contains("2024-", ChartDom(page.Dom, "line"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_three_million_row_scatter_is_drawn_with_webgl_from_its_sample()
    {
        var chart = Plot.Create(Frames.Large(3_000_000, small: 2_000), new ChartOptions { Kind = "scatter", X = "x", Y = "y", Color = "group" });
        var matrix = Plot.Create(Iris(), new ChartOptions { Kind = "scatter-matrix", Color = "Species" });

        var page = Render("large", [("large", chart), ("splom", matrix)], height: 1_300);

        Assert.Equal("", Errors(page.Dom));
        var large = ChartDom(page.Dom, "large");
        Assert.Contains("data-drawn=\"yes\"", large, StringComparison.Ordinal);
        Assert.Contains("<canvas", large, StringComparison.Ordinal);
        Assert.Contains("showing 100,000 of 3,000,000 points", large, StringComparison.Ordinal);
        Assert.DoesNotContain("WebGL is not supported", large, StringComparison.Ordinal);
        Assert.Contains("data-drawn=\"yes\"", ChartDom(page.Dom, "splom"), StringComparison.Ordinal);
    }

    private static ChromiumPage Render(string name, IEnumerable<(string Id, GenericChart Chart)> charts, int height)
    {
        Directory.CreateDirectory(_output);
        var html = Path.Combine(_output, $"{name}.html");
        File.WriteAllText(html, ChartPage.Html(charts));
        return Chromium.Render(html, Path.Combine(_output, $"{name}.png"), width: 920, height: height);
    }

    private static string Errors(string dom) => ErrorsPattern().Match(dom) is { Success: true } match ? match.Groups[1].Value : "(no error box in the DOM)";

    /// <summary>The DOM of one chart's div: from its opening tag to the next chart's.</summary>
    private static string ChartDom(string dom, string id)
    {
        var start = dom.IndexOf($"id=\"chart-{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no chart '{id}' in the DOM");
        var end = dom.IndexOf("id=\"chart-", start + 10, StringComparison.Ordinal);
        return dom[start..(end < 0 ? dom.Length : end)];
    }

    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    [GeneratedRegex("<pre id=\"errors\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ErrorsPattern();
}
