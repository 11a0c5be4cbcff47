using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Training;

public sealed class AutoSearchTests
{
    [Fact]
    public void A_search_bounded_by_trials_is_deterministic_and_refits_the_best()
    {
        var data = DataLoader.Load(Repo.Data("breast_cancer.csv")).Data;
        var options = new TrainOptions { Label = "diagnosis", Trainer = "auto", MaxTrials = 13, Seed = 5, Explain = false };
        var first = ModelTrainer.Train(data, options);
        var second = ModelTrainer.Train(data, options);

        Assert.Equal(13, first.Leaderboard.Count);
        Assert.Equal(first.Leaderboard.Select(t => (t.Trainer, t.Rows, t.Metric)), second.Leaderboard.Select(t => (t.Trainer, t.Rows, t.Metric)));
        Assert.Equal(first.Metrics, second.Metrics);
        // Successive halving: nine candidates on a ninth of the rows, three on a third, one on all of them.
        Assert.Equal(9, first.Leaderboard.Take(9).Select(t => t.Rows).Distinct().Count() == 1 ? 9 : 0);
        Assert.True(first.Leaderboard[9].Rows > first.Leaderboard[0].Rows);
        Assert.True(first.Leaderboard[12].Rows > first.Leaderboard[9].Rows);
        var best = first.Leaderboard.Single(t => t.Status == "best");
        Assert.Equal(best.Trainer, first.Info.Trainer);
        Assert.StartsWith("auto: best of 13 search trials", first.Info.TrainerReason, StringComparison.Ordinal);
        Assert.InRange(first.Metrics["AreaUnderRocCurve"], 0.95, 1.0);
    }

    [Fact]
    public void A_search_stays_within_its_time_budget()
    {
        var data = DataLoader.Load(Repo.Data("penguins.csv")).Data;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "species", Trainer = "auto", TimeBudget = 4, Explain = false });
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(12), $"took {stopwatch.Elapsed}");
        Assert.NotEmpty(model.Leaderboard);
        Assert.Contains(model.Charts, c => Plotly.NET.GenericChart.toChartHTML(c).Contains("Search: validation MicroAccuracy by trial", StringComparison.Ordinal));
    }
}
