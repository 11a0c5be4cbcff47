using System.Text.RegularExpressions;
using Notebooks.Tests;
using static Notebooks.Runner.Tests.RunnerCli;

namespace Notebooks.Runner.Tests;

public sealed partial class ReportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Artifacts(string name) => Path.Combine(AppContext.BaseDirectory, "browser", name);

    [Fact]
    public async Task The_report_of_the_sample_opens_offline_with_every_chart_drawn_and_no_console_errors()
    {
        var report = Path.Combine(_folder, "penguins.html");
        var (exitCode, output, error) = await RunAsync("run", Repo.Path_("notebooks", "penguins.ipynb"), "--report", report, "-p", "seed=3");
        Assert.True(exitCode == 0, output + error);

        var html = File.ReadAllText(report);
        Assert.Single(PlotlyScript().Matches(html));
        Assert.DoesNotMatch(ExternalScript(), html);
        Assert.DoesNotContain("require.min.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain("requirejs.config", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"load\">Load</h2>", html, StringComparison.Ordinal);
        Assert.Contains("parameter seed", html, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML", html, StringComparison.Ordinal);

        var copy = Artifacts("penguins-report.html");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(report, copy, overwrite: true);
        var page = Chromium.Render(copy, Artifacts("penguins-report.png"), width: 1200, height: 3600, budgetMilliseconds: 15_000);

        // Two #!plot charts and the #!train card's charts (confusion matrix, importance, learning curve …).
        Assert.True(ChartDiv().Matches(html).Count >= 4, $"{ChartDiv().Matches(html).Count} charts");
        AssertEveryChartDrawn(html, page);
        Assert.DoesNotContain("Uncaught", page.Log, StringComparison.Ordinal);
        Assert.DoesNotMatch(ConsoleError(), page.Log);
    }

    [Fact]
    public async Task A_notebook_executed_by_jupyter_becomes_a_report_with_its_charts_drawn_offline()
    {
        var report = Artifacts("jupyter-report.html");
        var (exitCode, output, error) = await RunAsync("report", Fixture("penguins.jupyter-executed.ipynb"), "--report", report);
        Assert.True(exitCode == 0, output + error);

        var html = File.ReadAllText(report);
        Assert.Contains("elsewhere (report made from the saved outputs)", html, StringComparison.Ordinal);
        var page = Chromium.Render(report, Artifacts("jupyter-report.png"), width: 1200, height: 3000, budgetMilliseconds: 15_000);
        Assert.True(ChartDiv().Matches(html).Count >= 3);
        AssertEveryChartDrawn(html, page);
    }

    [Fact]
    public async Task The_report_and_the_executed_notebook_match_their_snapshots()
    {
        var report = Path.Combine(_folder, "report.html");
        var executed = Path.Combine(_folder, "report.executed.ipynb");
        var (exitCode, output, error) = await RunAsync("run", Fixture("report.ipynb"), "--report", report, "--output", executed);
        Assert.True(exitCode == 0, output + error);

        Snapshot.Match(Stable(File.ReadAllText(report)), "report", "html");
        Snapshot.Match(Stable(File.ReadAllText(executed)), "report.executed", "ipynb");
    }

    /// <summary>Plotly adds its SVG into the chart's div when it draws: every chart div must hold one.</summary>
    private static void AssertEveryChartDrawn(string html, ChromiumPage page)
    {
        foreach (Match chart in ChartId().Matches(html))
        {
            var id = chart.Groups[1].Value;
            var drawn = new Regex($"<div class=\"chart[^\"]*\" id=\"{id}\"[^>]*>\\s*<div class=\"plot-container plotly\">").IsMatch(page.Dom);
            Assert.True(drawn, $"Chart {id} was not drawn. Browser log:\n{page.Log[..Math.Min(3000, page.Log.Length)]}");
        }
    }

    /// <summary>Volatile parts normalised; plotly.js and the version table (which change with upgrades) cut out.</summary>
    private static string Stable(string text)
    {
        text = PlotlyScript().Replace(text, "<script>/* plotly.js */</script>");
        text = VersionRows().Replace(text, "<!-- versions -->");
        text = text.Replace(Repo.Root, "<repo>", StringComparison.Ordinal);
        text = Seconds().Replace(text, "$1<seconds>");
        return Normalizer.Normalize(text);
    }

    [GeneratedRegex(@"<script>/\* plotly\.js [^*]*\*/.*?</script>", RegexOptions.Singleline)]
    private static partial Regex PlotlyScript();

    [GeneratedRegex("<div class=\"chart\" id=")]
    private static partial Regex ChartDiv();

    [GeneratedRegex(@"(class=""num"">|""duration_seconds"": )[0-9.]+")]
    private static partial Regex Seconds();

    [GeneratedRegex("<div class=\"chart\" id=\"([^\"]+)\"")]
    private static partial Regex ChartId();

    [GeneratedRegex("""<script[^>]*\bsrc\s*=\s*["']?https?:""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalScript();

    [GeneratedRegex(@"CONSOLE\([^)]*\)[^\n]*(error|Error)")]
    private static partial Regex ConsoleError();

    [GeneratedRegex(@"<h3>Versions</h3><table>.*?</table>", RegexOptions.Singleline)]
    private static partial Regex VersionRows();
}
