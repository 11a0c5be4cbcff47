using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task Interrupting_a_search_cancels_the_remote_trials_within_two_seconds()
    {
        var data = Boards.Load("diamonds.csv");
        using var interrupt = new CancellationTokenSource();
        var options = new TrainOptions { Label = "price", Trainer = "auto", MaxTrials = 40, Seed = 9, Explain = false, Scheduler = cluster.Training };
        var search = Task.Run(() => ModelTrainer.Train(data, options, cancellationToken: interrupt.Token));
        var gates = cluster.Cluster.GetActiveSilos().Select(s => cluster.Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<WorkerState>().Gate).ToArray();
        var busy = Stopwatch.StartNew();
        while (gates.All(g => g.CurrentCount > 0) && busy.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        Assert.Contains(gates, g => g.CurrentCount == 0);
        var stopwatch = Stopwatch.StartNew();
        await interrupt.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => search);
        while (gates.Any(g => g.CurrentCount == 0) && stopwatch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"the workers' trials ended {stopwatch.Elapsed.TotalSeconds:0.00} s after the interrupt");
    }
}
