using Notebooks.Runner.Reports;

namespace Notebooks.Runner.Tests;

public sealed class ChartOutputTests
{
    private static string PlotlyNetHtml(string layout) => $$"""
        <div id="abc"></div>
        <script type="text/javascript">
                    var renderPlotly_abc = function() {
                    var data = [{"type":"bar","x":[1,2],"y":[3,4]}];
                    var layout = {{layout}};
                    var config = {"responsive":true};
                    Plotly.newPlot('abc', data, layout, config);
        };
        </script>
        """;

    [Fact]
    public void A_chart_is_redrawn_by_the_reports_own_plotly_under_a_new_id()
    {
        var chart = ChartOutput.Rewrite(PlotlyNetHtml("""{"title":{"text":"</script>"}}"""), () => "chart-7")!;

        Assert.StartsWith("<div class=\"chart\" id=\"chart-7\"></div>", chart, StringComparison.Ordinal);
        Assert.Contains("Plotly.newPlot('chart-7', [{\"type\":\"bar\",\"x\":[1,2],\"y\":[3,4]}], {\"title\":{\"text\":\"<\\/script>\"}}, {\"responsive\":true});", chart, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chart_with_a_fixed_width_keeps_it_so_that_small_multiples_sit_side_by_side()
    {
        Assert.StartsWith("<div class=\"chart fixed\" id=\"c\" style=\"width:420px\">", ChartOutput.Rewrite(PlotlyNetHtml("""{"width":420,"height":240}"""), () => "c"), StringComparison.Ordinal);
        // A width deeper in the layout (a line's) is not the chart's.
        Assert.StartsWith("<div class=\"chart\" id=\"c\">", ChartOutput.Rewrite(PlotlyNetHtml("""{"shapes":[{"line":{"width":2}}]}"""), () => "c"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_with_several_charts_keeps_them_all_each_under_its_own_id()
    {
        var ids = 0;
        var html = $"<div style=\"display:flex\"><div>{PlotlyNetHtml("""{"width":420}""")}</div><div>{PlotlyNetHtml("""{"width":300}""")}</div></div>";
        var charts = ChartOutput.Rewrite(html, () => $"chart-{++ids}")!;

        Assert.Equal(2, ids);
        Assert.Contains("<div class=\"chart fixed\" id=\"chart-1\" style=\"width:420px\"></div>", charts, StringComparison.Ordinal);
        Assert.Contains("<div class=\"chart fixed\" id=\"chart-2\" style=\"width:300px\"></div>", charts, StringComparison.Ordinal);
        Assert.Contains("Plotly.newPlot('chart-2', ", charts, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_that_is_not_a_plotly_net_chart_is_left_alone()
    {
        Assert.Null(ChartOutput.Rewrite("<script>Plotly.newPlot('x', [], {})</script>", () => "c"));
    }
}
