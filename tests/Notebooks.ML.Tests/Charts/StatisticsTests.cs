using Notebooks.ML.Charts;

namespace Notebooks.ML.Tests.Charts;

public sealed class StatisticsTests
{
    [Fact]
    public void Quantiles_interpolate_linearly_between_ranks_as_numpy_does()
    {
        double[] sorted = [1, 2, 3, 4];
        Assert.Equal(1.75, Statistics.Quantile(sorted, 0.25));
        Assert.Equal(2.5, Statistics.Quantile(sorted, 0.5));
        Assert.Equal(4, Statistics.Quantile(sorted, 1));
    }

    [Fact]
    public void Box_statistics_put_the_whiskers_on_the_furthest_values_within_one_and_a_half_iqr()
    {
        double[] sorted = [-100, 1, 2, 3, 4, 5, 6, 7, 8, 100];

        var box = Statistics.Box(sorted);

        Assert.Equal(2.25, box.Q1);
        Assert.Equal(4.5, box.Median);
        Assert.Equal(6.75, box.Q3);
        Assert.Equal(1, box.LowerFence);
        Assert.Equal(8, box.UpperFence);
        Assert.Equal(1, box.LowOutliers);
        Assert.Equal(1, box.HighOutliers);
        Assert.Equal(3.6, box.Mean, 10);
    }

    [Fact]
    public void A_sketch_keeps_the_minimum_and_maximum()
    {
        var sorted = Enumerable.Range(0, 100_001).Select(i => (double)i).ToArray();
        var sketch = Statistics.Sketch(sorted, 11);
        Assert.Equal([0.0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000], sketch);
    }

    [Fact]
    public void Bins_use_readable_widths()
    {
        Assert.Equal(2, Binning.Nice(1.7));
        Assert.Equal(0.25, Binning.Nice(0.22));
        Assert.Equal(500, Binning.Nice(480));
    }

    [Fact]
    public void Values_on_the_last_edge_fall_in_the_last_bin()
    {
        var bins = Binning.Create([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 10], 5);
        Assert.Equal([2L, 2, 2, 2, 2], bins.Count([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 10]));
    }
}
