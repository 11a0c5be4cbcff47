using Microsoft.Data.Analysis;
using Notebooks.ML.Charts;
using Plotly.NET;

namespace Notebooks.ML.Tests.Charts;

public sealed class PlotTests
{
    private static DataFrame Frame(int rows) => new(
        new DoubleDataFrameColumn("x", Enumerable.Range(0, rows).Select(i => (double)i)),
        new DoubleDataFrameColumn("y", Enumerable.Range(0, rows).Select(i => (double)(i % 7))),
        new StringDataFrameColumn("g", Enumerable.Range(0, rows).Select(i => i % 2 == 0 ? "even" : "odd")));

    [Fact]
    public void A_scatter_has_axis_titles_from_the_columns_and_a_trace_per_group()
    {
        var json = GenericChart.toJson(Plot.Create(Frame(100), new ChartOptions { Kind = "scatter", X = "x", Y = "y", Color = "g" }));
        Assert.Contains("\"xaxis\":{\"title\":{\"text\":\"x\"}", json, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"even\"", json, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"odd\"", json, StringComparison.Ordinal);
        Assert.Equal(2, GenericChart.getTraces(Plot.Create(Frame(100), new ChartOptions { Kind = "scatter", X = "x", Y = "y", Color = "g" })).Length);
    }

    [Fact]
    public void Large_scatters_use_webgl()
    {
        var json = GenericChart.toJson(Plot.Create(Frame(20_000), new ChartOptions { Kind = "scatter", X = "x", Y = "y" }));
        Assert.Contains("\"type\":\"scattergl\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_histogram_ships_counts_not_values()
    {
        var chart = Plot.Create(Frame(100_000), new ChartOptions { Kind = "histogram", X = "x", Bins = 20 });
        var json = GenericChart.toJson(chart);
        Assert.Contains("\"type\":\"bar\"", json, StringComparison.Ordinal);
        Assert.True(json.Length < 10_000, $"histogram JSON is {json.Length} bytes");
    }
}
