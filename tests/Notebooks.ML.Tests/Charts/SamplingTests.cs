using Notebooks.ML.Charts;

namespace Notebooks.ML.Tests.Charts;

public sealed class SamplingTests
{
    [Fact]
    public void Shares_are_proportional_with_a_floor_and_add_up_to_the_budget()
    {
        var quotas = Sampling.Allocate([900_000, 99_000, 1_000, 10], 100_000);

        Assert.Equal(100_000, quotas.Sum());
        Assert.Equal(10, quotas[3]);
        Assert.True(quotas[2] == 1_000, $"a group of 1,000 keeps all of them (got {quotas[2]})");
        Assert.InRange(quotas[0], 89_000, 90_000);
        Assert.InRange(quotas[1], 9_800, 9_900);
    }

    [Fact]
    public void Everything_is_kept_when_it_fits()
    {
        Assert.Equal([3L, 4], Sampling.Allocate([3, 4], 10));
    }

    [Fact]
    public void A_stratified_sample_keeps_row_order_and_exact_group_sizes()
    {
        var groups = Enumerable.Range(0, 10_000).Select(i => i % 10 == 0 ? 1 : i % 97 == 0 ? -1 : 0).ToArray();

        var picked = Sampling.Stratified(groups, 2, 1_000, seed: 5);

        Assert.Equal(1_000, picked.Sum(p => p.Length));
        Assert.All(picked, rows => Assert.Equal(rows.Order(), rows));
        Assert.All(picked[1], row => Assert.Equal(1, groups[row]));
        Assert.All(picked[0], row => Assert.Equal(0, groups[row]));
        Assert.Equal(picked, Sampling.Stratified(groups, 2, 1_000, seed: 5));
    }

    [Fact]
    public void Lttb_keeps_the_ends_and_the_extremes()
    {
        var x = Enumerable.Range(0, 10_000).Select(i => (double)i).ToArray();
        var y = x.Select(v => Math.Sin(v / 500)).ToArray();
        y[4_321] = -50;

        var kept = Sampling.LargestTriangleThreeBuckets(x, y, 300);

        Assert.Equal(300, kept.Length);
        Assert.Equal(0, kept[0]);
        Assert.Equal(9_999, kept[^1]);
        Assert.Contains(4_321, kept);
        Assert.Equal(kept.Order(), kept);
    }

    [Theory]
    [InlineData(0, 1, 6)]
    [InlineData(0, 1_000, 3)]
    [InlineData(1e9, 1e9 + 10, 5)]
    [InlineData(0, 1e9, -3)]
    public void Rounding_keeps_a_millionth_of_the_range(double min, double max, int decimals)
    {
        Assert.Equal(decimals, Compact.Decimals(min, max));
    }

    [Fact]
    public void Rounding_to_negative_decimals_rounds_to_tens_and_hundreds()
    {
        Assert.Equal(123_457_000.0, Compact.Round(123_456_789, -3));
    }
}
