using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Display;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Data;

public sealed class SchemaAndProfileTests
{
    [Fact]
    public void The_schema_has_type_missing_distinct_min_max_and_mean_per_column()
    {
        var schema = DataLoader.Load(Repo.Data("penguins.csv")).Schema;

        var bill = schema.Single(c => c.Name == "bill_length_mm");
        Assert.Equal("double", bill.Type);
        Assert.Equal(2, bill.Missing);
        Assert.Equal(32.1, bill.Min);
        Assert.Equal(59.6, bill.Max);
        Assert.Equal(43.92193, bill.Mean!.Value, 5);
        var species = schema.Single(c => c.Name == "species");
        Assert.Equal(3, species.Distinct);
        Assert.False(species.DistinctIsEstimate);
        Assert.Equal("Adelie", species.Min);
        Assert.Null(species.Mean);
    }

    [Fact]
    public void Distinct_counts_are_exact_up_to_the_limit_and_a_close_stable_estimate_beyond()
    {
        var many = new DoubleDataFrameColumn("x", Enumerable.Range(0, 1_000_000).Select(i => (double?)(i * 0.5)));
        var text = new StringDataFrameColumn("s", Enumerable.Range(0, 300_000).Select(i => $"id{i}"));
        var few = new Int32DataFrameColumn("n", Enumerable.Range(0, 1_000_000).Select(i => (int?)(i % 1000)));

        var x = ColumnSummary.Describe(many);
        var s = ColumnSummary.Describe(text);
        var n = ColumnSummary.Describe(few);

        Assert.True(x.DistinctIsEstimate);
        Assert.InRange(x.Distinct, 980_000, 1_020_000);
        Assert.Equal(x.Distinct, ColumnSummary.Describe(many).Distinct);
        Assert.True(s.DistinctIsEstimate);
        Assert.InRange(s.Distinct, 294_000, 306_000);
        Assert.False(n.DistinctIsEstimate);
        Assert.Equal(1000, n.Distinct);
        Assert.Equal(499.5, n.Mean);
    }

    [Fact]
    public void The_load_card_shows_shape_schema_steps_rows_and_fingerprint()
    {
        var loaded = DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Where = "Petal_Width > 2" });

        var html = Cards.Loaded(loaded, "iris");

        Assert.Contains($"{loaded.Data.Rows.Count} rows × 5 columns", html, StringComparison.Ordinal);
        Assert.Contains("<th>distinct</th><th>min</th><th>max</th><th>mean</th>", html, StringComparison.Ordinal);
        Assert.Contains("kept 23 of 150 rows", html, StringComparison.Ordinal);
        Assert.Contains(Fingerprint.Short(loaded.Fingerprint), html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_matches_pandas_describe_on_iris()
    {
        var profile = DataProfile.Create(DataLoader.Load(Repo.Data("iris.csv")).Data);

        // pandas: df["Sepal.Length"].describe() → mean 5.843333, std 0.828066, 25% 5.1, 50% 5.8, 75% 6.4.
        var sepal = profile.Columns[0];
        Assert.Equal(150, sepal.Count);
        Assert.Equal(5.843333, sepal.Mean!.Value, 6);
        Assert.Equal(0.828066, sepal.StandardDeviation!.Value, 6);
        Assert.Equal(5.1, sepal.Q1!.Value, 10);
        Assert.Equal(5.8, sepal.Median!.Value, 10);
        Assert.Equal(6.4, sepal.Q3!.Value, 10);
        var species = profile.Columns[4];
        Assert.False(species.IsNumeric);
        Assert.Equal([("setosa", 50L), ("versicolor", 50L), ("virginica", 50L)], species.TopValues);
    }

    [Fact]
    public void A_profile_draws_a_small_chart_per_column_and_a_correlation_heatmap()
    {
        var profile = DataProfile.Create(DataLoader.Load(Repo.Data("penguins.csv")).Data);

        var charts = profile.DistributionCharts();
        var corr = profile.CorrelationChart();

        Assert.Equal(profile.Columns.Count, charts.Count);
        var json = charts.Select(c => Plotly.NET.GenericChart.toChartHTML(c)).ToArray();
        Assert.Contains("\"type\":\"bar\"", json[0], StringComparison.Ordinal);
        Assert.Contains("\"height\":240", json[2], StringComparison.Ordinal);
        Assert.NotNull(corr);
        Assert.Contains("\"type\":\"heatmap\"", Plotly.NET.GenericChart.toChartHTML(corr!), StringComparison.Ordinal);
    }

    [Fact]
    public void A_high_cardinality_column_charts_only_its_most_frequent_values()
    {
        var frame = new DataFrame(new StringDataFrameColumn("id", Enumerable.Range(0, 500).Select(i => $"k{i % 40}")));

        var profile = DataProfile.Create(frame);
        var html = Plotly.NET.GenericChart.toChartHTML(profile.DistributionCharts().Single());

        Assert.Contains("top 20 of 40", html, StringComparison.Ordinal);
        Assert.Equal(20, profile.Columns[0].TopValues.Count);
        Assert.Null(profile.CorrelationChart());
    }

    [Fact]
    public void The_profile_card_has_quartiles_and_most_frequent_values()
    {
        var html = Cards.Profile(DataProfile.Create(DataLoader.Load(Repo.Data("iris.csv")).Data), "iris");
        Assert.Contains("<th>25%</th><th>50%</th><th>75%</th>", html, StringComparison.Ordinal);
        Assert.Contains("setosa (50)", html, StringComparison.Ordinal);
    }
}
