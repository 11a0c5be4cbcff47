using System.Collections.Concurrent;
using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Training;

/// <summary>Trials run side by side (and on workers that come and go) give exactly the serial result.</summary>
public sealed class SchedulerTests
{
    private static readonly Microsoft.Data.Analysis.DataFrame _cancer = DataLoader.Load(Repo.Data("breast_cancer.csv")).Data;

    internal static IEnumerable<string> Board(TrainedModel model) =>
        model.Leaderboard.Select(t => FormattableString.Invariant($"{t.Number} {t.Trainer} {string.Join(",", t.Hyperparameters)} {t.Rows} {t.Metric:R} {t.Status}"));

    [Fact]
    public void A_search_on_four_slots_gives_the_serial_leaderboard_winner_and_metrics()
    {
        var serial = ModelTrainer.Train(_cancer, Search(LocalTrials.Serial));
        var parallel = ModelTrainer.Train(_cancer, Search(new LocalTrials(4)));

        Assert.Equal(Board(serial), Board(parallel));
        Assert.Equal(serial.Info.Trainer, parallel.Info.Trainer);
        Assert.Equal(serial.Metrics, parallel.Metrics);
        Assert.All(parallel.Leaderboard, t => Assert.Equal("this machine", t.Worker));
    }

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("sdca")]
    public void Folds_side_by_side_give_the_serial_metrics_per_fold(string trainer)
    {
        TrainOptions Options(TrialScheduler scheduler) => new() { Label = "diagnosis", Trainer = trainer, Folds = 5, Seed = 2, Scheduler = scheduler };
        var serial = ModelTrainer.Train(_cancer, Options(LocalTrials.Serial));
        var parallel = ModelTrainer.Train(_cancer, Options(new LocalTrials(3)));

        Assert.Equal(serial.FoldMetrics, parallel.FoldMetrics);
        Assert.Equal(serial.Metrics, parallel.Metrics);
        Assert.Equal(serial.Importance.Select(i => (i.Column, i.Drop)), parallel.Importance.Select(i => (i.Column, i.Drop)));
    }

    [Fact]
    public void Trials_beside_the_first_run_in_lanes_with_their_own_copy_of_ML_NET_s_LightGBM_wrapper()
    {
        TrainOptions Options(TrialScheduler scheduler) => new() { Label = "diagnosis", Trainer = "lightgbm", Folds = 4, Seed = 3, Explain = false, Scheduler = scheduler };
        var serial = ModelTrainer.Train(_cancer, Options(LocalTrials.Serial));
        var before = TrialLanes.TrialsRun;
        var parallel = ModelTrainer.Train(_cancer, Options(new LocalTrials(2)));

        Assert.True(TrialLanes.TrialsRun > before, "no fold ran in a lane beside the home lane");
        var home = typeof(Microsoft.ML.Trainers.LightGbm.LightGbmBinaryTrainer).Assembly;
        Assert.Contains(TrialLanes.Contexts, lane => lane.Assemblies.Any(a => a.GetName().Name == home.GetName().Name && a != home));
        Assert.All(TrialLanes.Contexts, lane => Assert.DoesNotContain(lane.Assemblies, a => a.GetName().Name == typeof(Microsoft.Data.Analysis.DataFrame).Assembly.GetName().Name));
        Assert.Equal(serial.FoldMetrics, parallel.FoldMetrics);
        Assert.Equal(serial.Metrics, parallel.Metrics);
    }

    [Fact]
    public async Task A_lane_is_held_by_one_trial_at_a_time_and_the_home_lane_can_be_waited_for()
    {
        var lanes = new TrialLanes(2);
        var home = lanes.Take(home: true, CancellationToken.None);
        using var other = lanes.Take(home: false, CancellationToken.None);
        Assert.Equal((0, 1), (home.Index, other.Index));

        var waiting = Task.Run(() => lanes.Take(home: true, CancellationToken.None));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "took the home lane while another trial held it");
        using (var cancelled = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            Assert.Throws<OperationCanceledException>(() => lanes.Take(home: false, cancelled.Token));
        }

        home.Dispose();
        using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, next.Index);
    }

    [Fact]
    public void A_lost_worker_s_trials_run_again_elsewhere_and_each_counts_once()
    {
        var flaky = new FlakyScheduler(loseEvery: 2);
        var serial = ModelTrainer.Train(_cancer, Search(LocalTrials.Serial));
        var survived = ModelTrainer.Train(_cancer, Search(flaky));

        Assert.Equal(Board(serial), Board(survived));
        Assert.True(flaky.Lost.Count >= 2, $"only {flaky.Lost.Count} trials were lost");
        Assert.All(flaky.Lost, lost => Assert.NotEqual(lost.Worker, survived.Leaderboard.Single(t => t.Number == lost.Trial).Worker));
        Assert.Contains(survived.Leaderboard, t => t.Worker.StartsWith("doomed-", StringComparison.Ordinal));
        Assert.Equal(13, survived.Leaderboard.Select(t => t.Number).Distinct().Count());
    }

    [Fact]
    public void A_live_worker_whose_call_failed_gets_work_again_after_a_pause()
    {
        // One worker, whose call for trial 2 fails once (as when another worker, its gateway, dies): before, it was
        // passed over for the rest of the batch and the search failed with "no workers".
        var steady = new StubbornScheduler(failures: 1);
        var serial = ModelTrainer.Train(_cancer, Search(LocalTrials.Serial));
        var survived = ModelTrainer.Train(_cancer, Search(steady));

        Assert.Equal(Board(serial), Board(survived));
        Assert.Equal(1, steady.Lost);
        Assert.All(survived.Leaderboard, t => Assert.Equal("steady", t.Worker));
    }

    [Fact]
    public void A_trial_lost_again_and_again_ends_the_search_with_a_message()
    {
        var hopeless = new StubbornScheduler(failures: int.MaxValue);
        var error = Assert.Throws<NotebookException>(() => ModelTrainer.Train(_cancer, Search(hopeless)));

        Assert.Contains($"was lost {TrialDispatcher.MaxLosses} times, last on steady", error.Message, StringComparison.Ordinal);
        Assert.Contains("it fell over", error.Message, StringComparison.Ordinal);
    }

    private static TrainOptions Search(TrialScheduler scheduler) =>
        new() { Label = "diagnosis", Trainer = "auto", MaxTrials = 13, Seed = 5, Explain = false, Scheduler = scheduler };

    [Fact]
    public void Without_workers_a_search_fails_within_seconds_with_a_message()
    {
        var options = new TrainOptions { Label = "diagnosis", Trainer = "auto", MaxTrials = 3, Explain = false, Scheduler = new EmptyScheduler() };
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<NotebookException>(() => ModelTrainer.Train(_cancer, options));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
        Assert.Contains("Start a worker", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 trials waited", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_search_starts_each_rung_s_longest_trials_first_and_under_a_time_budget_in_number_order()
    {
        var longestFirst = new RecordingScheduler();
        var inOrder = new RecordingScheduler();
        var serial = ModelTrainer.Train(_cancer, Search(LocalTrials.Serial));
        var searched = ModelTrainer.Train(_cancer, Search(longestFirst));
        ModelTrainer.Train(_cancer, new TrainOptions { Label = "diagnosis", Trainer = "auto", TimeBudget = 600, MaxTrials = 9, Seed = 4, Explain = false, Scheduler = inOrder });

        Assert.Equal(Board(serial), Board(searched));
        var rung = longestFirst.Started.Where(t => t.Rows.Rung == 0).Take(9).ToArray();
        Assert.Equal(9, rung.Length);
        Assert.Equal(rung.OrderByDescending(t => TrainerCatalog.ExpectedCost(t.Trainer)).ThenBy(t => t.Number).Select(t => t.Number), rung.Select(t => t.Number));
        Assert.NotEqual(rung.Select(t => t.Number).Order(), rung.Select(t => t.Number));
        Assert.Equal(inOrder.Started.Select(t => t.Number).Order(), inOrder.Started.Select(t => t.Number));
    }

    /// <summary>One slot on this machine that records the order in which trials start.</summary>
    private sealed class RecordingScheduler : TrialScheduler, ITrialWorker
    {
        private readonly LocalTrials _local = new(1);

        public ConcurrentQueue<TrialSpec> Started { get; } = [];

        public string Name => "recording";

        public int Slots => 1;

        public override ValueTask<IReadOnlyList<ITrialWorker>> WorkersAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<ITrialWorker>>([this]);

        public override string Describe() => "recording";

        public Task<TrialOutcome> RunAsync(TrialJob job, TrialSpec trial, CancellationToken cancellationToken)
        {
            Started.Enqueue(trial);
            return _local.RunAsync(job, trial, cancellationToken);
        }
    }

    /// <summary>
    /// One local slot and a worker that is lost while running every few trials; a new worker (another name) takes
    /// its place, as when a machine is replaced.
    /// </summary>
    private sealed class FlakyScheduler(int loseEvery) : TrialScheduler
    {
        private readonly LocalTrials _local = new(1);
        private readonly int _loseEvery = loseEvery;
        private int _generation = 1;
        private int _trials;

        public ConcurrentBag<(int Trial, string Worker)> Lost { get; } = [];

        public override ValueTask<IReadOnlyList<ITrialWorker>> WorkersAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<ITrialWorker>>([new Doomed(this, $"doomed-{Volatile.Read(ref _generation)}"), _local]);

        public override string Describe() => "flaky";

        private sealed class Doomed(FlakyScheduler owner, string name) : ITrialWorker
        {
            public string Name => name;

            public int Slots => 1;

            public async Task<TrialOutcome> RunAsync(TrialJob job, TrialSpec trial, CancellationToken cancellationToken)
            {
                if (Interlocked.Increment(ref owner._trials) % owner._loseEvery != 0)
                {
                    var outcome = await owner._local.RunAsync(job, trial, cancellationToken);
                    return outcome with { Worker = Name };
                }

                await Task.Delay(50, cancellationToken);
                owner.Lost.Add((trial.Number, Name));
                Interlocked.Increment(ref owner._generation);
                throw new TrialWorkerLostException($"{Name} died");
            }
        }
    }

    /// <summary>One worker, always listed, whose call for trial 2 fails <c>failures</c> times before it runs.</summary>
    private sealed class StubbornScheduler(int failures) : TrialScheduler
    {
        private readonly LocalTrials _local = new(1);
        private readonly int _failures = failures;
        private int _lost;

        public int Lost => Volatile.Read(ref _lost);

        public override ValueTask<IReadOnlyList<ITrialWorker>> WorkersAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<ITrialWorker>>([new Steady(this)]);

        public override string Describe() => "stubborn";

        public override TimeSpan LostWorkerPause => TimeSpan.FromMilliseconds(100);

        private sealed class Steady(StubbornScheduler owner) : ITrialWorker
        {
            public string Name => "steady";

            public int Slots => 1;

            public async Task<TrialOutcome> RunAsync(TrialJob job, TrialSpec trial, CancellationToken cancellationToken)
            {
                if (trial.Number == 2 && owner.Lost < owner._failures)
                {
                    Interlocked.Increment(ref owner._lost);
                    throw new TrialWorkerLostException("steady did not answer: it fell over");
                }

                var outcome = await owner._local.RunAsync(job, trial, cancellationToken);
                return outcome with { Worker = Name };
            }
        }
    }

    private sealed class EmptyScheduler : TrialScheduler
    {
        public override ValueTask<IReadOnlyList<ITrialWorker>> WorkersAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<ITrialWorker>>([]);

        public override string Describe() => "nobody";

        public override TimeSpan NoWorkersTimeout => TimeSpan.FromSeconds(2);

        public override string NoWorkersMessage => "The cluster has no workers. Start a worker.";
    }
}
