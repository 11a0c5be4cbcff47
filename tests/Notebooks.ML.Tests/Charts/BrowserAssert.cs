namespace Notebooks.ML.Tests.Charts;

/// <summary>What every chart on a drawn page must show a user: marks for every trace, and text that can be read.</summary>
internal static class BrowserAssert
{
    /// <summary>
    /// No script errors; every chart drawn; every visible trace drew at least one mark; no NaN in a path; no text on
    /// other text or cut off by the chart's edge, no label shrunk too small to read; a plot area that is not squeezed away by margins.
    /// </summary>
    public static void DrewEverything(DrawnPage page)
    {
        Assert.True(page.Errors.Length == 0, $"Script errors on the page: {page.Errors}");
        var problems = new List<string>();
        foreach (var chart in page.Charts.Values)
        {
            if (!chart.Drawn)
            {
                problems.Add($"'{chart.Id}': Plotly did not finish drawing it");
                continue;
            }

            if (chart.Traces.Length == 0)
            {
                problems.Add($"'{chart.Id}': no traces");
            }

            problems.AddRange(chart.Traces.Where(t => t.Visible && t.Marks == 0).Select(t => $"'{chart.Id}': trace {t} drew nothing"));
            problems.AddRange(chart.Traces.Where(t => !t.Visible).Select(t => $"'{chart.Id}': Plotly hid trace {t}"));
            if (chart.NanPaths > 0)
            {
                problems.Add($"'{chart.Id}': {chart.NanPaths} paths with NaN coordinates");
            }

            if (chart.TinyTexts > 0)
            {
                problems.Add($"'{chart.Id}': {chart.TinyTexts} labels in the plot shrunk below 8 px to fit");
            }

            problems.AddRange(chart.Overlaps.Select(o => $"'{chart.Id}': text overlaps: {o}"));
            problems.AddRange(chart.Clipped.Select(c => $"'{chart.Id}': text cut off by the chart's edge: {c}"));
            if (chart.PlotHeight < 0.35 * chart.Height || chart.PlotWidth < 0.4 * chart.Width)
            {
                problems.Add($"'{chart.Id}': the plot area is squeezed to {chart.PlotWidth}×{chart.PlotHeight} of {chart.Width}×{chart.Height}");
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} problems on {page.Screenshot}:\n" + string.Join("\n", problems));
    }

    /// <summary>The traces of a chart that Plotly shows, in trace order.</summary>
    public static TraceMarks[] Shown(this ChartDrawing chart) => chart.Traces.Where(t => t.Visible).ToArray();
}
