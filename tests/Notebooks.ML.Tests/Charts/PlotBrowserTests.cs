using Microsoft.Data.Analysis;
using Notebooks.ML.Charts;
using Plotly.NET;

namespace Notebooks.ML.Tests.Charts;

/// <summary>
/// Every <c>#!plot</c> kind drawn by plotly.js in headless Chromium, offline, on data of our own, including awkward
/// data. The probe counts each trace's marks from the DOM; the pages and screenshots stay under the test output
/// (browser/*.html, *.png) for a person to look at.
/// </summary>
public sealed class PlotBrowserTests
{
    private static GenericChart Chart(DataFrame frame, string kind, string? x = null, string? y = null, string? color = null, string? z = null, string? agg = null) =>
        Plot.Create(frame, new ChartOptions { Kind = kind, X = x ?? "", Y = y, Color = color, Z = z, Agg = agg });

    [Fact]
    public void Every_plot_kind_draws_its_marks_with_and_without_color()
    {
        var staff = Frames.Staff();
        (string, GenericChart)[] charts =
        [
            ("scatter", Chart(staff, "scatter", "age", "income")),
            ("scatter-color", Chart(staff, "scatter", "age", "income", "department")),
            ("scatter-scale", Chart(staff, "scatter", "age", "income", "rating")),
            ("line", Chart(staff, "line", "hired", "income")),
            ("line-color", Chart(staff, "line", "hired", "rating", "department")),
            ("bar", Chart(staff, "bar", "role")),
            ("bar-color", Chart(staff, "bar", "role", "income", "department", agg: "median")),
            ("histogram", Chart(staff, "histogram", "income")),
            ("histogram-color", Chart(staff, "histogram", "age", color: "remote")),
            ("box", Chart(staff, "box", "role", "income")),
            ("box-color", Chart(staff, "box", "role", "income", "department")),
            ("violin", Chart(staff, "violin", "role", "income")),
            ("violin-color", Chart(staff, "violin", "role", "income", "department")),
            ("heatmap", Chart(staff, "heatmap", "role", "department")),
            ("heatmap-z", Chart(staff, "heatmap", "age", "role", z: "income", agg: "mean")),
            ("corr", Chart(staff, "corr")),
            ("splom", Chart(staff, "scatter-matrix")),
            ("splom-color", Chart(staff, "scatter-matrix", color: "department")),
        ];

        var page = ChartPage.Draw("plot-kinds", charts);

        BrowserAssert.DrewEverything(page);
        var perDepartment = staff.Columns["department"].Cast<string>().GroupBy(d => d).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Count()).ToArray();
        Assert.Equal(600, page["scatter"].Shown().Single().Points);
        Assert.Equal(perDepartment, page["scatter-color"].Shown().Select(t => t.Points));
        Assert.Equal(600, page["scatter-scale"].Shown().Single().Points);
        Assert.Equal(1, page["line"].Shown().Single().Lines);
        Assert.Equal([1, 1, 1], page["line-color"].Shown().Select(t => t.Lines));
        Assert.Equal(5, page["bar"].Shown().Single().Bars);
        Assert.Equal([5, 5, 5], page["bar-color"].Shown().Select(t => t.Bars));
        Assert.True(page["histogram"].Shown().Single().Bars >= 10, page["histogram"].ToString());
        Assert.Equal(2, page["histogram-color"].Shown().Length);
        // One box per role in each trace, the first role ("analyst") without outliers; three outliers in all.
        Assert.Equal(5, page["box"].Shown().Single().Boxes);
        Assert.Equal(3, page["box"].Shown().Single().Points);
        Assert.Equal([5, 5, 5], page["box-color"].Shown().Select(t => t.Boxes));
        Assert.Equal(3, page["box-color"].Shown().Sum(t => t.Points));
        Assert.Equal(Enumerable.Repeat(1, 5), page["violin"].Shown().Select(t => t.Violins));
        Assert.Equal(Enumerable.Repeat(1, 15), page["violin-color"].Shown().Select(t => t.Violins));
        Assert.Equal(1, page["heatmap"].Shown().Single().Images);
        Assert.Equal(15, page["heatmap"].Shown().Single().Texts);
        Assert.Equal(1, page["heatmap-z"].Shown().Single().Images);
        var corr = page["corr"].Shown().Single();
        Assert.Equal((1, 9), (corr.Images, corr.Texts));
        Assert.True(page["splom"].Shown().Single().Pixels > 500, page["splom"].ToString());
        Assert.All(page["splom-color"].Shown(), t => Assert.True(t.Pixels > 100, page["splom-color"].ToString()));
    }
}
