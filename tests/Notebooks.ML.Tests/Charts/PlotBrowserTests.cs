using Microsoft.Data.Analysis;
using Notebooks.ML.Charts;
using Notebooks.ML.Data;
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

    [Fact]
    public void Every_plot_kind_draws_awkward_data()
    {
        // No role has outliers; a role of one person and a role whose incomes are all the same; one role in one
        // department; a column with no values at all beside a constant one; a single row.
        var calm = Frames.Staff(outliers: false);
        var odd = Frames.Staff();
        for (var i = 0; i < 5; i++)
        {
            odd.Append(["contractor", "north", 45_000.0, 30 + i, new DateTime(2020, 1, 1 + i), 3.0, false], inPlace: true);
        }

        odd.Append(["intern", "south", 20_000.0, 21, new DateTime(2024, 6, 1), 4.5, true], inPlace: true);
        var single = Frames.Staff(rows: 80, roles: 1, departments: 1);
        var gaps = Frames.Staff();
        gaps.Columns.Add(new DoubleDataFrameColumn("bonus", Enumerable.Repeat(double.NaN, 600)));
        gaps.Columns.Add(new StringDataFrameColumn("team", Enumerable.Repeat<string?>(null, 600)));
        gaps.Columns.Add(new DoubleDataFrameColumn("level", Enumerable.Repeat(3.0, 600)));
        var one = Frames.Staff(rows: 1);
        var products = new DataFrame(
            new StringDataFrameColumn("product", Enumerable.Range(0, 400).Select(i => $"Product number {i % 40} with a rather long descriptive name")),
            new DoubleDataFrameColumn("sales", Enumerable.Range(0, 400).Select(i => (double)(i % 17))));
        (string, GenericChart)[] charts =
        [
            ("bar-many-long-categories", Chart(products, "bar", "product", "sales", agg: "sum")),
            ("box-many-long-categories", Chart(products, "box", "product", "sales")),
            ("box-no-outliers", Chart(calm, "box", "role", "income")),
            ("box-no-outliers-color", Chart(calm, "box", "role", "income", "department")),
            ("violin-no-outliers", Chart(calm, "violin", "role", "income")),
            ("box-one-value-groups", Chart(odd, "box", "role", "income")),
            ("violin-one-value-groups", Chart(odd, "violin", "role", "income")),
            ("box-one-category", Chart(single, "box", "role", "income", "department")),
            ("violin-one-category", Chart(single, "violin", "role", "income", "department")),
            ("box-missing-color", Chart(gaps, "box", "role", "income", "team")),
            ("violin-missing-color", Chart(gaps, "violin", "role", "income", "team")),
            ("box-one-row", Chart(one, "box", "role", "income")),
            ("violin-one-row", Chart(one, "violin", "role", "income")),
            ("bar-one-value-groups", Chart(odd, "bar", "role", "income", agg: "mean")),
            ("bar-one-category", Chart(single, "bar", "role", color: "department")),
            ("bar-missing-color", Chart(gaps, "bar", "role", color: "team")),
            ("bar-one-row", Chart(one, "bar", "role")),
            ("histogram-constant", Chart(gaps, "histogram", "level")),
            ("histogram-one-category", Chart(single, "histogram", "income", color: "department")),
            ("histogram-missing-color", Chart(gaps, "histogram", "income", color: "team")),
            ("histogram-one-row", Chart(one, "histogram", "income")),
            ("scatter-one-category", Chart(single, "scatter", "age", "income", "role")),
            ("scatter-missing-color", Chart(gaps, "scatter", "age", "income", "team")),
            ("scatter-one-row", Chart(one, "scatter", "age", "income")),
            ("line-one-category", Chart(single, "line", "hired", "income", "department")),
            ("line-missing-color", Chart(gaps, "line", "hired", "income", "team")),
            ("line-one-row", Chart(one, "line", "hired", "income")),
            ("heatmap-one-category", Chart(single, "heatmap", "role", "department")),
            ("heatmap-missing", Chart(gaps, "heatmap", "role", "team")),
            ("heatmap-one-row", Chart(one, "heatmap", "role", "age", z: "income")),
            ("corr-missing-and-constant", Chart(gaps, "corr")),
            ("splom-missing-and-constant", Chart(gaps, "scatter-matrix", color: "department")),
            ("splom-one-row", Chart(one, "scatter-matrix")),
        ];

        var page = ChartPage.Draw("plot-awkward", charts);

        BrowserAssert.DrewEverything(page);
        Assert.Equal(40, page["bar-many-long-categories"].Shown().Single().Bars);
        Assert.Equal(40, page["box-many-long-categories"].Shown().Single().Boxes);
        Assert.Equal((5, 0), (page["box-no-outliers"].Shown().Single().Boxes, page["box-no-outliers"].Shown().Single().Points));
        Assert.Equal([5, 5, 5], page["box-no-outliers-color"].Shown().Select(t => t.Boxes));
        Assert.Equal(Enumerable.Repeat(1, 5), page["violin-no-outliers"].Shown().Select(t => t.Violins));
        Assert.Equal(7, page["box-one-value-groups"].Shown().Single().Boxes);
        Assert.Equal(Enumerable.Repeat(1, 7), page["violin-one-value-groups"].Shown().Select(t => t.Violins));
        Assert.Equal(1, page["box-one-category"].Shown().Single().Boxes);
        Assert.Equal(1, page["violin-one-category"].Shown().Single().Violins);
        Assert.Equal(5, page["box-missing-color"].Shown().Single().Boxes);
        Assert.Equal(5, page["violin-missing-color"].Shown().Length);
        Assert.Equal(1, page["box-one-row"].Shown().Single().Boxes);
        Assert.Equal(1, page["violin-one-row"].Shown().Single().Violins);
        Assert.Equal(7, page["bar-one-value-groups"].Shown().Single().Bars);
        Assert.Equal(1, page["bar-one-category"].Shown().Single().Bars);
        Assert.Equal(5, page["bar-missing-color"].Shown().Single().Bars);
        Assert.Equal(1, page["bar-one-row"].Shown().Single().Bars);
        Assert.Equal(1, page["histogram-constant"].Shown().Single().Bars);
        Assert.Single(page["histogram-one-category"].Shown());
        Assert.Single(page["histogram-missing-color"].Shown());
        Assert.Equal(1, page["histogram-one-row"].Shown().Single().Bars);
        Assert.Equal(80, page["scatter-one-category"].Shown().Single().Points);
        Assert.Equal(600, page["scatter-missing-color"].Shown().Single().Points);
        Assert.Equal(1, page["scatter-one-row"].Shown().Single().Points);
        Assert.Equal(1, page["line-one-category"].Shown().Single().Lines);
        Assert.Equal(1, page["line-missing-color"].Shown().Single().Lines);
        Assert.Equal(1, page["line-one-row"].Shown().Single().Points);
        Assert.Equal((1, 1), (page["heatmap-one-category"].Shown().Single().Images, page["heatmap-one-category"].Shown().Single().Texts));
        Assert.Equal(5, page["heatmap-missing"].Shown().Single().Texts);
        Assert.Equal((1, 1), (page["heatmap-one-row"].Shown().Single().Images, page["heatmap-one-row"].Shown().Single().Texts));
        Assert.Equal(3, page["splom-missing-and-constant"].Shown().Length);
        Assert.True(page["splom-one-row"].Shown().Single().Pixels > 0, page["splom-one-row"].ToString());
    }

    [Fact]
    public void Profile_charts_draw_and_keep_long_labels_clear_of_the_axis_title()
    {
        // Long job titles (rotated on a small chart), a column with no values, a constant, a flag, dates, one row.
        string[] titles =
        [
            "Senior Machine Learning Engineer", "Customer Success Representative", "Director of Product Management",
            "Junior Data Analyst", "Head of Infrastructure and Platform", "Analyst", "Principal Research Scientist",
        ];
        var staff = Frames.Staff();
        staff.Columns.Add(new StringDataFrameColumn("job title", Enumerable.Range(0, 600).Select(i => titles[i * 7 % 11 % titles.Length])));
        staff.Columns.Add(new DoubleDataFrameColumn("bonus", Enumerable.Repeat(double.NaN, 600)));
        staff.Columns.Add(new DoubleDataFrameColumn("level", Enumerable.Repeat(3.0, 600)));
        var profile = DataProfile.Create(staff);
        var one = DataProfile.Create(Frames.Staff(rows: 1));
        var charts = profile.DistributionCharts().Select(c => (Title(c), c))
            .Append(("correlation", profile.CorrelationChart()!))
            .Concat(one.DistributionCharts().Select(c => ("one row " + Title(c), c)))
            .ToList();

        var page = ChartPage.Draw("profile", charts);

        BrowserAssert.DrewEverything(page);
        Assert.Equal(9, profile.DistributionCharts().Count);
        Assert.Equal(titles.Length, page["job title"].Shown().Single().Bars);
        Assert.Equal(1, page["level"].Shown().Single().Bars);
        Assert.Equal(9, page["correlation"].Shown().Single().Texts);
        Assert.All(page.Charts.Values.Where(c => c.Id.StartsWith("one row", StringComparison.Ordinal)), c => Assert.Equal(1, c.Shown().Single().Bars));
    }

    private static string Title(GenericChart chart) => ChartJson.Of(chart).Title;

    [Fact]
    public void Every_plot_kind_draws_three_million_rows_from_what_it_ships()
    {
        // A big group and a small one (2,000 rows spread through the data); WebGL for the scatter and the matrix.
        var large = Frames.Large(3_000_000, small: 2_000);
        large.Columns.Add(new DoubleDataFrameColumn("z", Enumerable.Range(0, 3_000_000).Select(i => (double)(i % 1_000))));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        (string, GenericChart)[] charts =
        [
            ("scatter", Chart(large, "scatter", "x", "y", "group")),
            ("line", Chart(large, "line", "x", "y")),
            ("bar", Chart(large, "bar", "group", "y", agg: "median")),
            ("histogram", Chart(large, "histogram", "y", color: "group")),
            ("box", Chart(large, "box", "group", "y")),
            ("violin", Chart(large, "violin", "group", "y", "group")),
            ("heatmap", Chart(large, "heatmap", "x", "group")),
            ("corr", Chart(large, "corr")),
            ("splom", Chart(large, "scatter-matrix", color: "group")),
        ];
        var built = clock.Elapsed;

        var page = ChartPage.Draw("plot-3m", charts);

        BrowserAssert.DrewEverything(page);
        Assert.True(built < TimeSpan.FromSeconds(60), $"building the charts of 3,000,000 rows took {built}");
        var scatter = page["scatter"].Shown();
        Assert.Equal(["scattergl", "scattergl"], scatter.Select(t => t.Type));
        Assert.All(scatter, t => Assert.True(t.Pixels > 50, page["scatter"].ToString()));
        Assert.Equal(["scattergl"], page["line"].Shown().Select(t => t.Type));
        Assert.Equal(2, page["bar"].Shown().Single().Bars);
        Assert.Equal(2, page["histogram"].Shown().Length);
        Assert.Equal(2, page["box"].Shown().Single().Boxes);
        Assert.Equal([1, 1], page["violin"].Shown().Select(t => t.Violins));
        Assert.Equal(1, page["heatmap"].Shown().Single().Images);
        Assert.Equal(9, page["corr"].Shown().Single().Texts);
        Assert.Equal(["splom", "splom"], page["splom"].Shown().Select(t => t.Type));
        Assert.All(page["splom"].Shown(), t => Assert.True(t.Pixels > 20, page["splom"].ToString()));
    }
}
