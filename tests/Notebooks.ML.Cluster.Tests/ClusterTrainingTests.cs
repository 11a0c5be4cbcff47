using Notebooks.ML.Training;

namespace Notebooks.ML.Cluster.Tests;

/// <summary>A search and K folds on three in-process worker silos give exactly the local result.</summary>
public sealed class ClusterTrainingTests(InProcessCluster cluster) : IClassFixture<InProcessCluster>
{
    [Fact]
    public void A_search_on_the_cluster_gives_the_local_leaderboard_winner_and_metrics()
    {
        var data = Boards.Load("breast_cancer.csv");
        TrainOptions Options(TrialScheduler scheduler) => new() { Label = "diagnosis", Trainer = "auto", MaxTrials = 13, Seed = 5, Explain = false, Scheduler = scheduler };
        var local = ModelTrainer.Train(data, Options(LocalTrials.Serial));
        var remote = ModelTrainer.Train(data, Options(cluster.Training));

        Assert.Equal(Boards.Of(local), Boards.Of(remote));
        Assert.Equal(local.Info.Trainer, remote.Info.Trainer);
        Assert.Equal(local.Metrics, remote.Metrics);
        var workers = cluster.Training.Workers.Select(w => w.Name).ToHashSet();
        Assert.Equal(3, workers.Count);
        Assert.All(remote.Leaderboard, t => Assert.Contains(t.Worker, workers));
        Assert.True(remote.Leaderboard.Select(t => t.Worker).Distinct().Count() >= 2, "the trials all ran on one worker");
    }

    [Fact]
    public void Five_folds_on_the_cluster_give_the_local_metrics_fold_by_fold()
    {
        var data = Boards.Load("penguins.csv");
        TrainOptions Options(TrialScheduler scheduler) => new() { Label = "species", Trainer = "lightgbm", Folds = 5, Seed = 2, Scheduler = scheduler };
        var local = ModelTrainer.Train(data, Options(LocalTrials.Serial));
        var remote = ModelTrainer.Train(data, Options(cluster.Training));

        Assert.Equal(local.FoldMetrics, remote.FoldMetrics);
        Assert.Equal(local.Metrics, remote.Metrics);
        Assert.Equal(local.Importance.Select(i => (i.Column, i.Drop)), remote.Importance.Select(i => (i.Column, i.Drop)));
    }
}
