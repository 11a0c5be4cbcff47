using System.Text.Json;
using Microsoft.Data.Analysis;
using Notebooks.ML.Charts;
using Plotly.NET;

namespace Notebooks.ML.Tests.Charts;

public sealed class PlotTests
{
    private static ChartJson Draw(DataFrame frame, ChartOptions options) => ChartJson.Of(Plot.Create(frame, options));

    private static string Fails(DataFrame frame, ChartOptions options) =>
        Assert.Throws<NotebookException>(() => Plot.Create(frame, options)).Message;

    [Fact]
    public void A_scatter_has_axis_titles_from_the_columns_and_a_trace_per_group()
    {
        var chart = Draw(Frames.Simple(100), new ChartOptions { Kind = "scatter", X = "x", Y = "y", Color = "g" });

        Assert.Equal(["scatter", "scatter"], chart.TraceTypes);
        Assert.Equal(["even", "odd"], chart.TraceNames);
        Assert.Equal(["even", "odd"], chart.Traces.Select(t => t.GetProperty("legendgroup").GetString()!).ToArray());
        Assert.Equal("x", chart.AxisTitle("xaxis"));
        Assert.Equal("y", chart.AxisTitle("yaxis"));
        Assert.Equal("y vs x by g", chart.Title);
        Assert.Equal(100, chart.Points());
        Assert.Null(chart.Note);
    }

    [Fact]
    public void A_scatter_coloured_by_a_continuous_column_has_one_trace_and_a_colour_scale()
    {
        var chart = Draw(Frames.Simple(100), new ChartOptions { Kind = "scatter", X = "x", Y = "y", Color = "c" });

        var trace = Assert.Single(chart.Traces);
        var marker = trace.GetProperty("marker");
        Assert.Equal(100, marker.GetProperty("color").GetArrayLength());
        Assert.Equal("Viridis", marker.GetProperty("colorscale").GetString());
        Assert.Equal("c", marker.GetProperty("colorbar").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void A_colour_column_of_a_few_whole_numbers_reads_as_classes_with_a_legend()
    {
        var chart = Draw(Frames.Simple(90), new ChartOptions { Kind = "scatter", X = "x", Y = "y", Color = "n" });

        Assert.Equal(["0", "1", "2"], chart.TraceNames);
        Assert.Equal("n", chart.Layout.GetProperty("legend").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void A_colour_column_with_many_values_keeps_the_most_frequent_and_merges_the_rest_as_other()
    {
        var frame = new DataFrame(
            new DoubleDataFrameColumn("x", Enumerable.Range(0, 300).Select(i => (double)i)),
            new DoubleDataFrameColumn("y", Enumerable.Range(0, 300).Select(i => (double)i)),
            new StringDataFrameColumn("id", Enumerable.Range(0, 300).Select(i => $"id{i % 30:00}")));

        var chart = Draw(frame, new ChartOptions { Kind = "scatter", X = "x", Y = "y", Color = "id" });

        Assert.Equal(Plot.MaxColorGroups, chart.Traces.Length);
        Assert.Equal("other (11 values)", chart.TraceNames[^1]);
        Assert.Equal(300, chart.Points());
        Assert.Contains("id: the 19 most frequent of 30 values, the rest as 'other'", chart.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Large_scatters_use_webgl()
    {
        var chart = Draw(Frames.Simple(20_000), new ChartOptions { Kind = "scatter", X = "x", Y = "y" });
        Assert.Equal(["scattergl"], chart.TraceTypes);
        Assert.Null(chart.Note);
    }

    [Fact]
    public void A_scatter_of_more_points_than_the_budget_ships_a_sample_and_says_so()
    {
        var chart = Draw(Frames.Large(250_000), new ChartOptions { Kind = "scatter", X = "x", Y = "y" });

        Assert.Equal(Plot.ScatterBudget, chart.Points("x"));
        Assert.Equal(Plot.ScatterBudget, chart.Points("y"));
        Assert.Equal("showing 100,000 of 250,000 points: a random sample (seed 1)", chart.Note);
    }

    [Fact]
    public void Down_sampling_is_stratified_by_colour_so_a_rare_group_is_kept_whole()
    {
        var chart = Draw(Frames.Large(400_000, small: 60), new ChartOptions { Kind = "scatter", X = "x", Y = "y", Color = "group" });

        var small = chart.Traces.Single(t => t.GetProperty("name").GetString() == "small");
        var big = chart.Traces.Single(t => t.GetProperty("name").GetString() == "big");
        Assert.Equal(60, ChartJson.Length(small, "x"));
        Assert.Equal(Plot.ScatterBudget - 60, ChartJson.Length(big, "x"));
        Assert.Equal("showing 100,000 of 400,000 points: a random sample (seed 1), stratified by group", chart.Note);
    }

    [Fact]
    public void Down_sampling_is_deterministic_for_a_seed_and_changes_with_it()
    {
        var frame = Frames.Large(150_000);
        var first = Draw(frame, new ChartOptions { Kind = "scatter", X = "x", Y = "y", Seed = 3 }).Text;
        var again = Draw(frame, new ChartOptions { Kind = "scatter", X = "x", Y = "y", Seed = 3 }).Text;
        var other = Draw(frame, new ChartOptions { Kind = "scatter", X = "x", Y = "y", Seed = 4 }).Text;

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void A_three_million_row_scatter_writes_at_most_five_megabytes_of_html()
    {
        var frame = Frames.Large(3_000_000, small: 1_000);

        var html = GenericChart.toChartHTML(Plot.Create(frame, new ChartOptions { Kind = "scatter", X = "x", Y = "y", Color = "group" }));

        var bytes = System.Text.Encoding.UTF8.GetByteCount(html);
        Assert.True(bytes <= 5_000_000, $"the chart's HTML is {bytes:N0} bytes");
        Assert.Contains("showing 100,000 of 3,000,000 points", html, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"scattergl\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Shipped_numbers_are_rounded_to_a_millionth_of_the_range()
    {
        var frame = new DataFrame(
            new DoubleDataFrameColumn("x", [0.123456789123, 10.987654321987]),
            new DoubleDataFrameColumn("y", [1.0 / 3, 2.0 / 3]));

        var trace = Draw(frame, new ChartOptions { Kind = "scatter", X = "x", Y = "y" }).Traces[0];

        Assert.Equal([0.12346, 10.98765], ChartJson.Numbers(trace, "x"));
        Assert.Equal([0.3333333, 0.6666667], ChartJson.Numbers(trace, "y"));
    }

    [Fact]
    public void Rows_with_a_missing_value_are_left_out_and_counted_in_the_note()
    {
        var frame = new DataFrame(
            new DoubleDataFrameColumn("x", [1.0, 2, null, 4]),
            new DoubleDataFrameColumn("y", [1.0, null, 3, 4]));

        var chart = Draw(frame, new ChartOptions { Kind = "scatter", X = "x", Y = "y" });

        Assert.Equal(2, chart.Points());
        Assert.Equal("2 rows with a missing value not shown", chart.Note);
    }

    [Fact]
    public void Dates_go_on_a_date_axis()
    {
        var chart = Draw(Frames.Simple(30), new ChartOptions { Kind = "line", X = "d", Y = "y" });

        Assert.Equal("date", chart.AxisType("xaxis"));
        Assert.Equal("2024-01-01", ChartJson.Strings(chart.Traces[0], "x")[0]);
        Assert.Equal("y over d", chart.Title);
    }

    [Fact]
    public void A_line_is_sorted_by_x()
    {
        var frame = new DataFrame(new DoubleDataFrameColumn("t", [3.0, 1, 2]), new DoubleDataFrameColumn("v", [30.0, 10, 20]));

        var trace = Draw(frame, new ChartOptions { Kind = "line", X = "t", Y = "v" }).Traces[0];

        Assert.Equal([1.0, 2, 3], ChartJson.Numbers(trace, "x"));
        Assert.Equal([10.0, 20, 30], ChartJson.Numbers(trace, "y"));
        Assert.Equal("lines+markers", trace.GetProperty("mode").GetString());
    }

    [Fact]
    public void A_long_line_is_thinned_keeping_its_shape_and_says_so()
    {
        var rows = 200_000;
        var y = Enumerable.Range(0, rows).Select(i => Math.Sin(i / 5_000.0)).ToArray();
        y[123_457] = 40; // a spike a random sample would miss
        var frame = new DataFrame(new DoubleDataFrameColumn("t", Enumerable.Range(0, rows).Select(i => (double)i)), new DoubleDataFrameColumn("v", y));

        var chart = Draw(frame, new ChartOptions { Kind = "line", X = "t", Y = "v" });

        Assert.Equal(Plot.LineBudget, chart.Points());
        Assert.Contains(40.0, ChartJson.Numbers(chart.Traces[0], "y"));
        Assert.Equal("showing 20,000 of 200,000 points: thinned keeping each line's shape (LTTB)", chart.Note);
        Assert.Equal(["scattergl"], chart.TraceTypes);
    }

    [Fact]
    public void A_line_chart_draws_one_line_per_colour_group()
    {
        var chart = Draw(Frames.Simple(100), new ChartOptions { Kind = "line", X = "x", Y = "y", Color = "g" });

        Assert.Equal(["even", "odd"], chart.TraceNames);
        Assert.Equal(100, chart.Points());
    }

    [Fact]
    public void A_histogram_ships_counts_not_values()
    {
        var chart = Draw(Frames.Simple(100_000), new ChartOptions { Kind = "histogram", X = "x", Bins = 20 });

        var trace = Assert.Single(chart.Traces);
        Assert.Equal("bar", trace.GetProperty("type").GetString());
        Assert.Equal(20, ChartJson.Length(trace, "y"));
        Assert.Equal(100_000, ChartJson.Numbers(trace, "y").Sum());
        Assert.Equal("count", chart.AxisTitle("yaxis"));
        Assert.True(chart.Text.Length < 10_000, $"histogram JSON is {chart.Text.Length} bytes");
    }

    [Fact]
    public void A_histogram_chooses_readable_bins_and_overlays_colour_groups()
    {
        var chart = Draw(Frames.Simple(1_000), new ChartOptions { Kind = "histogram", X = "y", Color = "g" });

        Assert.Equal(["even", "odd"], chart.TraceNames);
        Assert.Equal(1_000, chart.Traces.Sum(t => ChartJson.Numbers(t, "y").Sum()));
        // Whole numbers 0..6: one bin per value, centred on it.
        Assert.Equal([0.0, 1, 2, 3, 4, 5, 6], ChartJson.Numbers(chart.Traces[0], "x"));
        Assert.Equal("overlay", chart.Layout.GetProperty("barmode").GetString());
    }

    [Fact]
    public void A_histogram_of_dates_bins_time_on_a_date_axis()
    {
        var chart = Draw(Frames.Simple(365), new ChartOptions { Kind = "histogram", X = "d", Bins = 12 });

        Assert.Equal("date", chart.AxisType("xaxis"));
        Assert.Equal(12, chart.Points());
        Assert.StartsWith("2024-", ChartJson.Strings(chart.Traces[0], "x")[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_bar_chart_counts_rows_per_category_largest_first()
    {
        var frame = new DataFrame(new StringDataFrameColumn("fruit", ["pear", "apple", "pear", "fig", "pear", "apple"]));

        var chart = Draw(frame, new ChartOptions { Kind = "bar", X = "fruit" });

        var trace = Assert.Single(chart.Traces);
        Assert.Equal(["pear", "apple", "fig"], ChartJson.Strings(trace, "x"));
        Assert.Equal([3.0, 2, 1], ChartJson.Numbers(trace, "y"));
        Assert.Equal("Count by fruit", chart.Title);
        Assert.Equal("count", chart.AxisTitle("yaxis"));
    }

    [Theory]
    [InlineData(null, new[] { 2.5, 10 }, "Mean v by k", "mean of v")]
    [InlineData("mean", new[] { 2.5, 10 }, "Mean v by k", "mean of v")]
    [InlineData("sum", new[] { 10.0, 10 }, "Total v by k", "sum of v")]
    [InlineData("median", new[] { 2.0, 10 }, "Median v by k", "median of v")]
    public void A_bar_chart_aggregates_y_per_category(string? agg, double[] expected, string title, string yTitle)
    {
        var frame = new DataFrame(new StringDataFrameColumn("k", ["a", "a", "a", "a", "b"]), new DoubleDataFrameColumn("v", [1.0, 2, 2, 5, 10]));

        var chart = Draw(frame, new ChartOptions { Kind = "bar", X = "k", Y = "v", Agg = agg });

        var values = ChartJson.Strings(chart.Traces[0], "x").Zip(ChartJson.Numbers(chart.Traces[0], "y")).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(expected[0], values["a"]);
        Assert.Equal(expected[1], values["b"]);
        Assert.Equal(title, chart.Title);
        Assert.Equal(yTitle, chart.AxisTitle("yaxis"));
    }

    [Fact]
    public void A_bar_chart_of_whole_numbers_keeps_them_in_order_and_groups_bars_by_colour()
    {
        var chart = Draw(Frames.Simple(60), new ChartOptions { Kind = "bar", X = "n", Color = "g" });

        Assert.Equal(["even", "odd"], chart.TraceNames);
        Assert.Equal(["0", "1", "2"], ChartJson.Strings(chart.Traces[0], "x"));
        Assert.Equal("group", chart.Layout.GetProperty("barmode").GetString());
        Assert.Equal("category", chart.AxisType("xaxis"));
    }

    [Fact]
    public void A_box_plot_ships_quartiles_whiskers_and_outliers_not_values()
    {
        // 1..100 plus two far outliers.
        var values = Enumerable.Range(1, 100).Select(i => (double)i).Append(1_000).Append(-1_000).ToArray();
        var frame = new DataFrame(new DoubleDataFrameColumn("v", values));

        var chart = Draw(frame, new ChartOptions { Kind = "box", X = "v" });

        var box = Assert.Single(chart.Traces);
        Assert.Equal("box", box.GetProperty("type").GetString());
        Assert.Equal(25.25, ChartJson.Numbers(box, "q1")[0]);
        Assert.Equal(50.5, ChartJson.Numbers(box, "median")[0]);
        Assert.Equal(75.75, ChartJson.Numbers(box, "q3")[0]);
        Assert.Equal(1.0, ChartJson.Numbers(box, "lowerfence")[0]);
        Assert.Equal(100.0, ChartJson.Numbers(box, "upperfence")[0]);
        var outliers = box.GetProperty("y")[0].EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal([-1_000.0, 1_000], outliers);
        Assert.Equal("Distribution of v", chart.Title);
    }

    [Fact]
    public void A_box_plot_of_a_million_values_per_group_stays_small()
    {
        var frame = Frames.Large(1_000_000, small: 5_000);

        var chart = Draw(frame, new ChartOptions { Kind = "box", X = "group", Y = "y" });

        var box = Assert.Single(chart.Traces);
        Assert.Equal(["big", "small"], ChartJson.Strings(box, "x"));
        Assert.All(box.GetProperty("y").EnumerateArray(), points => Assert.True(points.GetArrayLength() <= Plot.MaxBoxOutliers));
        Assert.True(chart.Text.Length < 20_000, $"box JSON is {chart.Text.Length} bytes");
        Assert.Equal("group", chart.AxisTitle("xaxis"));
        Assert.Equal("y", chart.AxisTitle("yaxis"));
        Assert.Equal("y by group", chart.Title);
    }

    [Fact]
    public void A_box_plot_coloured_by_a_column_has_a_trace_per_colour_in_group_mode()
    {
        var chart = Draw(Frames.Simple(120), new ChartOptions { Kind = "box", X = "n", Y = "x", Color = "g" });

        Assert.Equal(["even", "odd"], chart.TraceNames);
        Assert.All(chart.Traces, t => Assert.Equal(["0", "1", "2"], ChartJson.Strings(t, "x")));
        Assert.Equal("group", chart.Layout.GetProperty("boxmode").GetString());
    }

    [Fact]
    public void A_violin_of_many_values_is_drawn_from_quantiles_and_says_so()
    {
        var chart = Draw(Frames.Large(300_000, small: 500), new ChartOptions { Kind = "violin", X = "group", Y = "y" });

        Assert.Equal(["violin", "violin"], chart.TraceTypes);
        Assert.Equal([Plot.ViolinPoints, 500], chart.Traces.Select(t => ChartJson.Length(t, "y")).ToArray());
        Assert.Equal(["big", "small"], chart.Traces.Select(t => t.GetProperty("x0").GetString()!).ToArray());
        Assert.Equal("violins of more than 1,000 values are drawn from 1,000 evenly spaced quantiles of them", chart.Note);
    }

    [Fact]
    public void A_heatmap_counts_rows_per_pair_of_categories()
    {
        var frame = new DataFrame(
            new StringDataFrameColumn("a", ["x", "x", "y", "y", "y"]),
            new StringDataFrameColumn("b", ["p", "q", "p", "p", "q"]),
            new DoubleDataFrameColumn("v", [1.0, 2, 3, 5, 7]));

        var counts = Draw(frame, new ChartOptions { Kind = "heatmap", X = "a", Y = "b" });
        var means = Draw(frame, new ChartOptions { Kind = "heatmap", X = "a", Y = "b", Z = "v" });

        var z = counts.Traces[0].GetProperty("z");
        Assert.Equal("[[1,2],[1,1]]", JsonSerializer.Serialize(z));
        Assert.Equal("Count by a and b", counts.Title);
        Assert.Equal("[[1,4],[2,7]]", JsonSerializer.Serialize(means.Traces[0].GetProperty("z")));
        Assert.Equal("Mean v by a and b", means.Title);
        Assert.Equal("mean of v", means.Traces[0].GetProperty("colorbar").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void A_heatmap_bins_a_numeric_axis_and_leaves_empty_cells_blank()
    {
        var chart = Draw(Frames.Simple(1_000), new ChartOptions { Kind = "heatmap", X = "x", Y = "g", Bins = 10 });

        var trace = chart.Traces[0];
        Assert.Equal(10, ChartJson.Length(trace, "x"));
        Assert.Equal(["even", "odd"], ChartJson.Strings(trace, "y"));
        Assert.Equal(1_000, trace.GetProperty("z").EnumerateArray().SelectMany(r => r.EnumerateArray()).Sum(v => v.ValueKind == JsonValueKind.Null ? 0 : v.GetDouble()));
    }

    [Fact]
    public void A_correlation_chart_shows_every_numeric_column()
    {
        var chart = Draw(Frames.Simple(50), new ChartOptions { Kind = "corr" });

        var trace = Assert.Single(chart.Traces);
        Assert.Equal(["x", "y", "n", "c"], ChartJson.Strings(trace, "x"));
        Assert.Equal(1.0, trace.GetProperty("z")[0][0].GetDouble());
        Assert.Equal(1.0, trace.GetProperty("z")[0][3].GetDouble());
    }

    [Fact]
    public void A_correlation_chart_takes_the_columns_it_is_given()
    {
        var chart = Draw(Frames.Simple(50), new ChartOptions { Kind = "corr", Columns = ["y", "x"] });
        Assert.Equal(["y", "x"], ChartJson.Strings(chart.Traces[0], "x"));
    }

    [Fact]
    public void A_scatter_matrix_has_a_dimension_per_numeric_column_and_a_trace_per_group()
    {
        var chart = Draw(Frames.Simple(100), new ChartOptions { Kind = "scatter-matrix", Color = "g" });

        Assert.Equal(["splom", "splom"], chart.TraceTypes);
        Assert.Equal(["even", "odd"], chart.TraceNames);
        var labels = chart.Traces[0].GetProperty("dimensions").EnumerateArray().Select(d => d.GetProperty("label").GetString()!).ToArray();
        Assert.Equal(["x", "y", "n", "c"], labels);
        Assert.Equal(100, chart.Traces.Sum(t => t.GetProperty("dimensions")[0].GetProperty("values").GetArrayLength()));
    }

    [Fact]
    public void A_scatter_matrix_of_many_rows_is_sampled_and_says_so()
    {
        var frame = Frames.Large(50_000);
        frame.Columns.Add(new DoubleDataFrameColumn("z", Enumerable.Range(0, 50_000).Select(i => (double)(i % 13))));

        var chart = Draw(frame, new ChartOptions { Kind = "splom" });

        Assert.Equal(Plot.MatrixBudget, chart.Traces[0].GetProperty("dimensions")[0].GetProperty("values").GetArrayLength());
        Assert.Equal("showing 10,000 of 50,000 rows: a random sample (seed 1)", chart.Note);
    }

    [Fact]
    public void A_scatter_matrix_of_two_columns_is_their_scatter_chart()
    {
        // plotly.js fails to draw a splom whose only panel is below a hidden diagonal.
        var frame = Frames.Staff();
        frame.Columns.Add(new DoubleDataFrameColumn("bonus", Enumerable.Repeat(double.NaN, 600)));

        var chart = Draw(frame, new ChartOptions { Kind = "scatter-matrix", Columns = ["income", "age"], Color = "department" });
        var left = Draw(new DataFrame(frame.Columns["income"], frame.Columns["rating"], frame.Columns["bonus"]), new ChartOptions { Kind = "scatter-matrix" });

        Assert.Equal(["scatter", "scatter", "scatter"], chart.TraceTypes);
        Assert.Equal(("income", "age"), (chart.AxisTitle("xaxis"), chart.AxisTitle("yaxis")));
        Assert.Equal(["scatter"], left.TraceTypes);
        Assert.Equal("left out: bonus (no values)", left.Note);
    }

    [Fact]
    public void Correlations_leave_out_columns_without_values_or_with_one_value_and_say_so()
    {
        var frame = Frames.Staff();
        frame.Columns.Add(new DoubleDataFrameColumn("bonus", Enumerable.Repeat(double.NaN, 600)));
        frame.Columns.Add(new DoubleDataFrameColumn("level", Enumerable.Repeat(3.0, 600)));

        var chart = Draw(frame, new ChartOptions { Kind = "corr" });
        var named = Draw(frame, new ChartOptions { Kind = "corr", Columns = ["income", "level"] });

        Assert.Equal(["income", "age", "rating"], ChartJson.Strings(chart.Traces[0], "x"));
        Assert.Equal("left out: bonus (no values), level (one value)", chart.Note);
        Assert.Equal(["income", "level"], ChartJson.Strings(named.Traces[0], "x"));
        Assert.Equal("blank: no correlation (a constant column, or fewer than two rows with both values)", named.Note);
        Assert.Equal("A correlation chart needs at least two numeric columns with varying values; this DataFrame has 1 besides bonus (no values), level (one value).",
            Fails(new DataFrame(frame.Columns["income"], frame.Columns["bonus"], frame.Columns["level"]), new ChartOptions { Kind = "corr" }));
    }

    [Theory]
    [InlineData("scatter", "x", "y", "Could not find the --x column 'nope'. Columns: x, y, g, n, d, c.", "nope", null)]
    [InlineData("scatter", "x", "nope", "Could not find the --y column 'nope'. Columns: x, y, g, n, d, c.", null, null)]
    [InlineData("scatter", "x", "y", "Could not find the --color column 'gg'. Did you mean 'g'? Columns: x, y, g, n, d, c.", null, "gg")]
    public void An_unknown_column_is_named_with_the_columns_there_are(string kind, string x, string y, string expected, string? xOverride, string? color)
    {
        var message = Fails(Frames.Simple(10), new ChartOptions { Kind = kind, X = xOverride ?? x, Y = y, Color = color });
        Assert.Equal(expected, message);
    }

    [Fact]
    public void A_histogram_of_text_suggests_a_bar_chart()
    {
        var message = Fails(Frames.Simple(10), new ChartOptions { Kind = "histogram", X = "g" });
        Assert.Equal("A histogram needs a numeric column, but 'g' holds string values. For counts per category use a bar chart: #!plot <data> --kind bar --x g", message);
    }

    [Theory]
    [InlineData("line", "x", "g", null, null, "A line chart needs numbers for --y, but 'g' holds string values.")]
    [InlineData("box", "x", "g", null, null, "A box needs numbers for --y, but 'g' holds string values. Did you mean --x g --y x?")]
    [InlineData("violin", "g", null, null, null, "A violin needs numbers for --x, but 'g' holds string values.")]
    [InlineData("bar", "g", "g", "sum", null, "A bar chart needs numbers for --y, but 'g' holds string values. Leave out --y to count rows per g.")]
    [InlineData("bar", "g", null, "mean", null, "--agg mean needs --y: the numeric column to aggregate per g")]
    [InlineData("heatmap", "g", null, null, null, "A heatmap needs --y as well as --x")]
    [InlineData("heatmap", "g", "n", "median", null, "--agg median needs --z")]
    [InlineData("line", "x", "y", null, "c", "A line chart colours groups, but --color 'c' holds double values with many distinct numbers.")]
    [InlineData("scatter", "", null, null, null, "A scatter chart needs --x: the column on the x axis. Columns: x, y, g, n, d, c.")]
    [InlineData("scatter", "x", null, null, null, "A scatter chart needs --y as well as --x")]
    public void A_kind_that_does_not_fit_the_columns_says_what_would(string kind, string x, string? y, string? agg, string? color, string expected)
    {
        var message = Fails(Frames.Simple(10), new ChartOptions { Kind = kind, X = x, Y = y, Agg = agg, Color = color });
        Assert.StartsWith(expected, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pie", null, null, "The option --kind got 'pie', but expected one of scatter, line, bar, histogram, box, violin, heatmap, corr, scatter-matrix.")]
    [InlineData("scater", null, null, "Did you mean 'scatter'?")]
    [InlineData("bar", "avrage", null, "The option --agg got 'avrage', but expected one of count, mean, sum, median. Did you mean 'mean'?")]
    [InlineData("histogram", null, 0, "The option --bins got '0', but expected a whole number of bins from 1 to 1,000.")]
    [InlineData("histogram", null, 5_000, "The option --bins got '5000'")]
    public void Bad_option_values_name_the_value_and_what_was_expected(string kind, string? agg, int? bins, string expected)
    {
        var message = Fails(Frames.Simple(10), new ChartOptions { Kind = kind, X = "x", Agg = agg, Bins = bins });
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_data_has_nothing_to_plot()
    {
        var message = Fails(Frames.Simple(0), new ChartOptions { Kind = "scatter", X = "x", Y = "y" });
        Assert.Equal("There is nothing to plot: the DataFrame has no rows.", message);
    }

    [Fact]
    public void A_column_with_every_value_missing_has_nothing_to_plot()
    {
        var frame = new DataFrame(new DoubleDataFrameColumn("v", new double?[] { null, null }));
        Assert.Equal("There is nothing to plot: every value of 'v' is missing.", Fails(frame, new ChartOptions { Kind = "histogram", X = "v" }));
    }

    [Theory]
    [InlineData("hist", "bar")]
    [InlineData("splom", "splom")]
    [InlineData("SCATTER", "scatter")]
    public void Kinds_accept_common_spellings(string kind, string traceType)
    {
        var chart = Draw(Frames.Simple(20), new ChartOptions { Kind = kind, X = "x", Y = "y" });
        Assert.Equal(traceType, chart.TraceTypes[0]);
    }

    [Fact]
    public void Every_kind_uses_the_shared_style()
    {
        foreach (var kind in Plot.Kinds)
        {
            var chart = Draw(Frames.Simple(40), new ChartOptions { Kind = kind, X = kind is "box" or "violin" ? "g" : "x", Y = kind == "heatmap" ? "g" : "y" });
            Assert.Equal("#ffffff", chart.Layout.GetProperty("plot_bgcolor").GetString());
            Assert.Equal(16, chart.Layout.GetProperty("title").GetProperty("font").GetProperty("size").GetInt32());
            Assert.False(chart.Root.GetProperty("config").GetProperty("displaylogo").GetBoolean());
        }
    }
}
