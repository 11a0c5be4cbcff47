using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Analysis;
using Notebooks.ML.Training;

/// <summary>
/// <c>dotnet run -c Release --project bench/TrainBenchmark -- every-core</c>: the same work the way it ran before
/// (one thread per training, one trial at a time: <c>Threads = 1</c> and <see cref="LocalTrials.Serial"/>) and the
/// way it runs now (the defaults: every core), in the same run, on the same data, with the numbers compared.
/// </summary>
internal static class EveryCore
{
    public static void Run()
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()} at start");
        var big = Generate(200_000, 20, seed: 1);
        var mid = Generate(30_000, 20, seed: 2);
        // Warm up: JIT, LightGBM's native library, both paths, and the lanes that trials run in side by side.
        ModelTrainer.Train(big.Head(5000), Options(explain: false, today: true));
        ModelTrainer.Train(big.Head(5000), Options(explain: false, today: false));
        ModelTrainer.Train(mid.Head(5000), new TrainOptions { Label = "label", Trainer = "auto", MaxTrials = 8, Seed = 1, Explain = false });
        ModelTrainer.Train(big.Head(5000), new TrainOptions { Label = "label", Trainer = "lightgbm", Folds = 3, Seed = 1, Explain = false });

        var rows = new List<(string Name, double Today, double Now, bool Identical, string Load)>();
        var (trainToday, trainNow, trainSame) = Compare(
            today => ModelTrainer.Train(big, Options(explain: false, today)),
            (a, b) => a.Metrics.SequenceEqual(b.Metrics) && Scores(a, big).SequenceEqual(Scores(b, big)),
            repeats: 3);
        rows.Add(("default LightGBM training, 200,000 × 20 (test metrics and every prediction)", trainToday, trainNow, trainSame, LoadAverage()));

        // The issue's own example: 800,000 rows, where boosting (which threads speed up) is more of the work than the
        // data preparation around it (which they do not).
        var huge = Generate(800_000, 20, seed: 3);
        var (hugeToday, hugeNow, hugeSame) = Compare(
            today => ModelTrainer.Train(huge, Options(explain: false, today)),
            (a, b) => a.Metrics.SequenceEqual(b.Metrics) && Scores(a, huge).SequenceEqual(Scores(b, huge)),
            repeats: 3);
        rows.Add(("default LightGBM training, 800,000 × 20 (test metrics and every prediction)", hugeToday, hugeNow, hugeSame, LoadAverage()));
        huge = null;

        var (searchToday, searchNow, searchSame) = Compare(
            today => ModelTrainer.Train(mid, new TrainOptions { Label = "label", Trainer = "auto", MaxTrials = 24, Seed = 1, Explain = false, Threads = today ? 1 : null, Scheduler = today ? LocalTrials.Serial : null }),
            (a, b) => Board(a) == Board(b) && a.Metrics.SequenceEqual(b.Metrics),
            repeats: 1);
        rows.Add(("24-trial search (--trainer auto --trials 24), 30,000 × 20 (leaderboard, winner, test metrics)", searchToday, searchNow, searchSame, LoadAverage()));

        var (foldsToday, foldsNow, foldsSame) = Compare(
            today => ModelTrainer.Train(big, new TrainOptions { Label = "label", Trainer = "lightgbm", Folds = 5, Seed = 1, Explain = false, Threads = today ? 1 : null, Scheduler = today ? LocalTrials.Serial : null }),
            (a, b) => a.FoldMetrics.Zip(b.FoldMetrics).All(f => f.First.SequenceEqual(f.Second)) && a.Metrics.SequenceEqual(b.Metrics) && Scores(a, big).SequenceEqual(Scores(b, big)),
            repeats: 1);
        rows.Add(("5-fold cross-validation, LightGBM, 200,000 × 20 (per-fold metrics, refit's predictions)", foldsToday, foldsNow, foldsSame, LoadAverage()));

        Console.WriteLine();
        Console.WriteLine("| work | before: 1 thread, one trial at a time (s) | now: every core (s) | speed-up | numbers identical | load average |");
        Console.WriteLine("|---|---:|---:|---:|---|---:|");
        foreach (var (name, today, now, identical, load) in rows)
        {
            Console.WriteLine($"| {name} | {today:F2} | {now:F2} | {today / now:F2}× | {(identical ? "yes" : "NO")} | {load} |");
        }

        Console.WriteLine();
        Console.WriteLine("Targets on 2 cores: training ≥ 1.5×, search ≥ 1.7×, folds ≥ 1.7×. Busy machines run oversubscribed threads slowly;");
        Console.WriteLine("compare on a quiet machine (load average below the core count).");
    }

    private static TrainOptions Options(bool explain, bool today) =>
        new() { Label = "label", Trainer = "lightgbm", Split = "mod5", Seed = 1, Explain = explain, Threads = today ? 1 : null };

    /// <summary>Runs before and now alternately (medians of <paramref name="repeats"/>), and checks that they agree.</summary>
    private static (double Today, double Now, bool Identical) Compare(Func<bool, TrainedModel> train, Func<TrainedModel, TrainedModel, bool> same, int repeats)
    {
        var today = new List<double>();
        var now = new List<double>();
        var todayCpu = new List<double>();
        var nowCpu = new List<double>();
        TrainedModel? a = null, b = null;
        for (var i = 0; i < repeats; i++)
        {
            GC.Collect();
            var cpu = Cpu();
            var watch = Stopwatch.StartNew();
            a = train(true);
            today.Add(watch.Elapsed.TotalSeconds);
            todayCpu.Add(Cpu() - cpu);
            GC.Collect();
            cpu = Cpu();
            watch.Restart();
            b = train(false);
            now.Add(watch.Elapsed.TotalSeconds);
            nowCpu.Add(Cpu() - cpu);
        }

        static string List(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)));
        static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        // Cores busy: process CPU time over wall time. A "one thread" run that keeps more than one core busy leaves
        // less for running side by side to gain.
        Console.WriteLine($"  before: {List(today)} s (cores busy {List(todayCpu.Zip(today, (c, w) => c / w))}); now: {List(now)} s (cores busy {List(nowCpu.Zip(now, (c, w) => c / w))})");
        return (today.Order().ElementAt(repeats / 2), now.Order().ElementAt(repeats / 2), same(a!, b!));
    }

    private static string Board(TrainedModel model) =>
        string.Join("\n", model.Leaderboard.Select(t => FormattableString.Invariant($"{t.Number} {t.Trainer} {string.Join(",", t.Hyperparameters)} {t.Rows} {t.Metric:R} {t.Status}")));

    private static float[] Scores(TrainedModel model, DataFrame frame) =>
        model.Predict(frame.Head(20_000))["Probability"].Cast<float?>().Select(p => p ?? float.NaN).ToArray();

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static DataFrame Generate(int rows, int columns, int seed)
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

            z += (1.5 * x[0][r] * x[1][r]) + (x[2][r] > 0.3 ? 0.8 : -0.2) + (0.7 * Math.Sin(3 * x[3][r]));
            y[r] = 1 / (1 + Math.Exp(-2 * z)) > random.NextDouble();
        }

        return new DataFrame(x.Select((values, c) => (DataFrameColumn)new SingleDataFrameColumn($"x{c}", values)).Append(new BooleanDataFrameColumn("label", y)));
    }
}
