using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Analysis;
using Notebooks.ML.Cluster;
using Notebooks.ML.Training;

// bench/ClusterBenchmark: the trial scheduler on an Orleans cluster of worker processes on this machine (localhost
// clustering, loopback).
//   1. Overhead: a 32-trial search on a one-worker cluster (as many slots as cores) against the same search on this
//      machine's cores, the same data and seed; the leaderboards must be identical.
//   2. Scale, simulated: trials of a fixed cost that need no CPU (a stand-in trainer that waits) on 1, 2, 4 and 8
//      workers; throughput against the ideal (slots / cost).
// `worker` is the child process this program starts for each worker.
if (args is ["worker", ..])
{
    return await Worker(args);
}

const int SearchTrials = 32;
const int WaitSlots = 2;
const int WaitMilliseconds = 250;
const int WavesPerRound = 8;
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()} at start");

// 1. Overhead of the cluster for a real search.
var frame = Generate(20_000, 20, seed: 1);
TrainOptions Search(TrialScheduler scheduler, int trials, int seed = 1) => new() { Label = "label", Trainer = "auto", MaxTrials = trials, Seed = seed, Explain = false, Scheduler = scheduler };
ModelTrainer.Train(frame.Head(3000), Search(LocalTrials.EveryCore, 9, seed: 2)); // warm-up: JIT, LightGBM's native library
double local, clustered;
TrainedModel localModel, clusterModel;
await using (var workers = await Workers.StartAsync(1, Environment.ProcessorCount, waitMilliseconds: null))
{
    await using var cluster = await workers.ConnectAsync();
    ModelTrainer.Train(frame.Head(3000), Search(cluster, 9, seed: 2)); // the same warm-up on the worker
    var stopwatch = Stopwatch.StartNew();
    localModel = ModelTrainer.Train(frame, Search(LocalTrials.EveryCore, SearchTrials));
    local = stopwatch.Elapsed.TotalSeconds;
    stopwatch.Restart();
    clusterModel = ModelTrainer.Train(frame, Search(cluster, SearchTrials));
    clustered = stopwatch.Elapsed.TotalSeconds;
}

static string Board(TrainedModel m) => string.Join("\n", m.Leaderboard.Select(t => FormattableString.Invariant($"{t.Number} {t.Trainer} {string.Join(",", t.Hyperparameters)} {t.Rows} {t.Metric:R} {t.Status}")));
Console.WriteLine();
Console.WriteLine($"## Overhead: a {SearchTrials}-trial search (20,000 × 20 binary, seed 1), load average {LoadAverage()}");
Console.WriteLine();
Console.WriteLine("| where the trials ran | time (s) | ratio | winner | validation AUC of the winner |");
Console.WriteLine("|---|---:|---:|---|---:|");
Console.WriteLine($"| this machine, {Environment.ProcessorCount} trials at a time (LocalTrials.EveryCore) | {local:F2} | 1.00 | {localModel.Info.Trainer} | {localModel.Leaderboard.Single(t => t.Status == "best").Metric:F4} |");
Console.WriteLine($"| a one-worker cluster on this machine ({Environment.ProcessorCount} slots, loopback) | {clustered:F2} | {clustered / local:F2} | {clusterModel.Info.Trainer} | {clusterModel.Leaderboard.Single(t => t.Status == "best").Metric:F4} |");
Console.WriteLine();
Console.WriteLine($"leaderboards identical: {Board(localModel) == Board(clusterModel)}; test metrics identical: {localModel.Metrics.SequenceEqual(clusterModel.Metrics)}");
Console.WriteLine($"cluster / local: {clustered / local:F3} (target ≤ 1.15); per-trial overhead: {(clustered - local) * 1000 / SearchTrials:F0} ms");

// 2. Scale, simulated with trials that wait.
Console.WriteLine();
Console.WriteLine($"## Scale, SIMULATED: trials that wait {WaitMilliseconds} ms and use no CPU, {WaitSlots} slots per worker, {WavesPerRound} waves of trials per round");
Console.WriteLine();
Console.WriteLine("| workers | slots | trials | time (s) | trials/s | ideal trials/s | of ideal | overhead per wave of trials (ms) | load average |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
var small = frame.Head(1000);
foreach (var count in new[] { 1, 2, 4, 8 })
{
    await using var workers = await Workers.StartAsync(count, WaitSlots, WaitMilliseconds);
    await using var cluster = await workers.ConnectAsync();
    var slots = count * WaitSlots;
    var options = new TrainOptions { Label = "label", Explain = false };
    var warm = Enumerable.Range(1, slots).Select(i => Trial(i)).ToArray();
    await cluster.RunAsync(small, options, warm); // sends the data to every worker
    var trials = Enumerable.Range(1, slots * WavesPerRound).Select(i => Trial(i)).ToArray();
    var stopwatch = Stopwatch.StartNew();
    var outcomes = await cluster.RunAsync(small, options, trials);
    var seconds = stopwatch.Elapsed.TotalSeconds;
    var ideal = slots * 1000.0 / WaitMilliseconds;
    var idealSeconds = WavesPerRound * WaitMilliseconds / 1000.0;
    if (outcomes.Count != trials.Length || outcomes.Select(o => o.Worker).Distinct().Count() != count)
    {
        throw new InvalidOperationException($"expected {trials.Length} outcomes from {count} workers");
    }

    Console.WriteLine($"| {count} | {slots} | {trials.Length} | {seconds:F2} | {trials.Length / seconds:F1} | {ideal:F1} | {trials.Length / seconds / ideal:P0} | {(seconds - idealSeconds) * 1000 / WavesPerRound:F0} | {LoadAverage()} |");
}

Console.WriteLine();
Console.WriteLine("This simulates scale: every worker is a process on this 2-core machine and its trials only wait, so the table");
Console.WriteLine("measures the scheduler, Orleans messaging over loopback and the workers' bookkeeping, not training. What limits");
Console.WriteLine("it here: all workers and the notebook share 2 cores, each trial is a grain call through the notebook's gateway");
Console.WriteLine("with its options and outcome as JSON, and the notebook starts the next trial only when it hears one has ended.");
return 0;

static TrialSpec Trial(int number) => new(number, "lightgbm", new Dictionary<string, string>(), new TrialRows(TrialKind.Search, Rung: 0), 1);

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

// The child process: a worker silo (localhost clustering) whose trials train for real, or wait.
static async Task<int> Worker(string[] args)
{
    var slots = int.Parse(args[Array.IndexOf(args, "--slots") + 1], CultureInfo.InvariantCulture);
    var wait = Array.IndexOf(args, "--wait") is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : (int?)null;
    using var stop = new CancellationTokenSource();
    using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
    {
        c.Cancel = true;
        stop.Cancel();
    });
    TrialFunction? waiter = wait is { } ms
        ? (_, _, trial, _, worker, token) =>
        {
            token.WaitHandle.WaitOne(ms);
            token.ThrowIfCancellationRequested();
            return new TrialOutcome(trial.Number, 0.5 + (trial.Number % 7 / 100.0), "finished", TimeSpan.FromMilliseconds(ms), worker);
        }
        : null;
    await TrialWorkerHost.RunAsync(new WorkerOptions { Cluster = "localhost", Slots = slots }, Console.Out, stop.Token, waiter);
    return 0;
}

static DataFrame Generate(int rows, int columns, int seed)
{
    var random = new Random(seed);
    var weights = Enumerable.Range(0, columns).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
    var x = Enumerable.Range(0, columns).Select(_ => new float[rows]).ToArray();
    var y = new bool[rows];
    for (var r = 0; r < rows; r++)
    {
        var z = 0.0;
        for (var c = 0; c < columns; c++)
        {
            x[c][r] = (float)((random.NextDouble() * 2) - 1);
            z += weights[c] * x[c][r];
        }

        z += (1.5 * x[0][r] * x[1][r]) + (x[2][r] > 0.3 ? 0.8 : -0.2);
        y[r] = 1 / (1 + Math.Exp(-2 * z)) > random.NextDouble();
    }

    return new DataFrame(x.Select((values, c) => (DataFrameColumn)new SingleDataFrameColumn($"x{c}", values)).Append(new BooleanDataFrameColumn("label", y)));
}

/// <summary>Worker processes of this program on localhost: the first is the primary, the others join it.</summary>
internal sealed class Workers : IAsyncDisposable
{
    private readonly List<Process> _processes = [];

    public static async Task<Workers> StartAsync(int count, int slots, int? waitMilliseconds)
    {
        var workers = new Workers();
        await workers.StartOneAsync(slots, waitMilliseconds);
        await Task.WhenAll(Enumerable.Range(1, count - 1).Select(_ => workers.StartOneAsync(slots, waitMilliseconds)));
        return workers;
    }

    public async Task<TrainingCluster> ConnectAsync()
    {
        var cluster = await TrainingCluster.ConnectAsync("localhost");
        var stopwatch = Stopwatch.StartNew();
        while ((await cluster.RefreshAsync()).Count < _processes.Count)
        {
            if (stopwatch.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"only {cluster.Workers.Count} of {_processes.Count} workers joined");
            }

            await Task.Delay(250);
        }

        return cluster;
    }

    private async Task StartOneAsync(int slots, int? waitMilliseconds)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(Workers).Assembly.Location);
        }

        foreach (var argument in new[] { "worker", "--slots", slots.ToString(CultureInfo.InvariantCulture) }.Concat(waitMilliseconds is { } w ? ["--wait", w.ToString(CultureInfo.InvariantCulture)] : []))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        lock (_processes)
        {
            _processes.Add(process);
        }

        var joined = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains(" joined the cluster ", StringComparison.Ordinal) == true)
            {
                joined.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await joined.Task.WaitAsync(TimeSpan.FromMinutes(2));
    }

    public async ValueTask DisposeAsync()
    {
        // Secondaries first, then the primary (it holds localhost clustering's membership).
        foreach (var process in _processes.Skip(1).Append(_processes[0]).Where(p => !p.HasExited))
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
        }

        foreach (var process in _processes)
        {
            if (!await WaitAsync(process, TimeSpan.FromSeconds(30)))
            {
                process.Kill();
            }

            process.Dispose();
        }
    }

    private static async Task<bool> WaitAsync(Process process, TimeSpan timeout)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
