using System.Collections.Concurrent;
using System.Diagnostics;
using Notebooks.ML.Training;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Notebooks.ML.Cluster.Tests;

/// <summary>A worker silo killed in the middle of a trial: its trials run again elsewhere, each counts once, and the search ends as it does locally.</summary>
public sealed class KillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly InProcessCluster _cluster = new InProcessCluster.SlowStarting();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_silo_killed_mid_search_leaves_the_leaderboard_as_it_is_locally()
    {
        var data = Boards.Load("diamonds.csv").Head(30000);
        TrainOptions Options(TrialScheduler scheduler) => new() { Label = "price", Trainer = "auto", MaxTrials = 13, Seed = 3, Explain = false, Scheduler = scheduler };
        var local = ModelTrainer.Train(data, Options(LocalTrials.Serial));

        // Kill a secondary silo (the primary holds the test cluster's membership) as it starts a trial on a third
        // of the rows or more (long enough to die with it in hand).
        var secondaries = _cluster.Cluster.SecondarySilos.Select(s => s.SiloAddress.Endpoint.Port).ToHashSet();
        Task? kill = null;
        string? victim = null;
        int? killedTrial = null;
        var watched = new Watched(_cluster.Training, (worker, trial) =>
        {
            if (trial.Rows.Rung >= 1 && victim is null && secondaries.Any(p => worker.EndsWith(":" + p, StringComparison.Ordinal)))
            {
                victim = worker;
                killedTrial = trial.Number;
                var silo = _cluster.SiloOf(worker);
                kill = Task.Run(async () =>
                {
                    await _cluster.Cluster.KillSiloAsync(silo);
                });
            }
        });

        var stopwatch = Stopwatch.StartNew();
        var remote = await Task.Run(() => ModelTrainer.Train(data, Options(watched)));
        output.WriteLine($"search with a killed silo: {stopwatch.Elapsed.TotalSeconds:0.0} s; killed {victim} while it ran trial {killedTrial}");
        Assert.NotNull(kill);
        await kill;

        Assert.Equal(Boards.Of(local), Boards.Of(remote));
        Assert.Equal(local.Metrics, remote.Metrics);
        Assert.Equal(13, remote.Leaderboard.Select(t => t.Number).Distinct().Count());
        Assert.NotEqual(victim, remote.Leaderboard.Single(t => t.Number == killedTrial).Worker);
        Assert.True(watched.Lost.Contains(killedTrial!.Value), $"trial {killedTrial} was not reported lost; lost: {string.Join(", ", watched.Lost)}");
    }

    [Fact]
    public async Task A_silo_that_joins_mid_search_gets_work_and_the_leaderboard_stays_the_local_one()
    {
        var data = Boards.Load("diamonds.csv").Head(30000);
        TrainOptions Options(TrialScheduler scheduler) => new() { Label = "price", Trainer = "auto", MaxTrials = 22, Seed = 4, Explain = false, Scheduler = scheduler };
        var local = ModelTrainer.Train(data, Options(LocalTrials.Serial));
        Task<SiloHandle>? joining = null;
        var watched = new Watched(_cluster.Training, (worker, trial) => joining ??= _cluster.Cluster.StartAdditionalSiloAsync());

        var remote = await Task.Run(() => ModelTrainer.Train(data, Options(watched)));
        var joined = await joining!;
        var name = remote.Leaderboard.Select(t => t.Worker).Distinct().SingleOrDefault(w => w.EndsWith(":" + joined.SiloAddress.Endpoint.Port, StringComparison.Ordinal));
        output.WriteLine($"workers: {string.Join(", ", remote.Leaderboard.Select(t => t.Worker))}");
        Assert.NotNull(name);
        Assert.Equal(Boards.Of(local), Boards.Of(remote));
    }

    /// <summary>The cluster's scheduler, telling the test which worker starts which trial and which were lost.</summary>
    private sealed class Watched(TrainingCluster inner, Action<string, TrialSpec> started) : TrialScheduler
    {
        public ConcurrentBag<int> Lost { get; } = [];

        public override async ValueTask<IReadOnlyList<ITrialWorker>> WorkersAsync(CancellationToken cancellationToken) =>
            (await inner.WorkersAsync(cancellationToken)).Select(w => (ITrialWorker)new Worker(this, w)).ToArray();

        public override string Describe() => inner.Describe();

        private sealed class Worker(Watched owner, ITrialWorker worker) : ITrialWorker
        {
            public string Name => worker.Name;

            public int Slots => worker.Slots;

            public async Task<TrialOutcome> RunAsync(TrialJob job, TrialSpec trial, CancellationToken cancellationToken)
            {
                owner._started(Name, trial);
                try
                {
                    return await worker.RunAsync(job, trial, cancellationToken);
                }
                catch (TrialWorkerLostException)
                {
                    owner.Lost.Add(trial.Number);
                    throw;
                }
            }
        }

        private readonly Action<string, TrialSpec> _started = started;
    }
}
