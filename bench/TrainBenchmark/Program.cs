using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using Notebooks.ML.Data;
using Notebooks.ML.Training;

// bench/TrainBenchmark: 200,000 × 20 synthetic binary data, one run, three ways to train the same LightGBM model
// (100 iterations, learning rate 0.1, 31 leaves, 20 rows per leaf; test set = row index % 5 == 0):
//   1. ModelTrainer.Train (what #!train runs), with and without the explanations (importance, learning curve);
//   2. a hand-written ML.NET pipeline with the same trainer and settings;
//   3. scikit-learn's HistGradientBoostingClassifier (Debian's python3-sklearn, /usr/bin/python3).
// Plus: does LightGBM with two threads give the same model twice (determinism) and how much faster is it?
// `-- every-core` runs EveryCore.cs instead: training, a search and folds before and after they used every core.
if (args.Contains("every-core"))
{
    EveryCore.Run();
    return;
}

const int Rows = 200_000;
const int Columns = 20;
const int Seed = 1;
const int Repeats = 5;

var (features, labels) = Generate(Rows, Columns, Seed);
// As in a notebook, the data comes from #!load (DataLoader): its fingerprint is the file's, taken while loading.
var csv = Path.Combine(Path.GetTempPath(), $"nbml-bench-{Environment.ProcessId}.csv");
WriteCsv(csv, features, labels);
var loadWatch = Stopwatch.StartNew();
var frame = DataLoader.Load(csv).Data;
var loadSeconds = loadWatch.Elapsed.TotalSeconds;
File.Delete(csv);
var builtInCode = new DataFrame(Enumerable.Range(0, Columns).Select(j => (DataFrameColumn)new SingleDataFrameColumn($"x{j}", features.Select(r => r[j])))
    .Append(new BooleanDataFrameColumn("label", labels)));
var testRows = Enumerable.Range(0, Rows).Where(i => i % 5 == 0).ToArray();
var trainRows = Enumerable.Range(0, Rows).Where(i => i % 5 != 0).ToArray();
Console.WriteLine($"data: {Rows:N0} rows × {Columns} float features, {labels.Count(l => l):N0} positive; test = index % 5 == 0 ({testRows.Length:N0} rows)");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start");
Console.WriteLine($"#!load of the same data as CSV (not in any timing below): {loadSeconds:F2} s");

// Warm up both paths (JIT, native LightGBM load) on a small slice so that the timings compare training.
ModelTrainer.Train(builtInCode.Head(5000), new TrainOptions { Label = "label", Split = "mod5", Explain = false });
HandWritten(features.Take(5000).ToArray(), labels.Take(5000).ToArray(), threads: 1);

// The machine is shared: ours and the hand-written pipeline alternate, and each reports its median.
var (ours, handWritten) = Interleaved(
    () => ModelTrainer.Train(frame, Options(explain: false)).Metrics["AreaUnderRocCurve"],
    () => HandWritten(features, labels, threads: 1));
var phases = new List<TrainingProgress>();
ModelTrainer.Train(frame, Options(explain: false), new Recorder(phases));
var fingerprintWatch = Stopwatch.StartNew();
Fingerprint.Of(builtInCode);
var fingerprintSeconds = fingerprintWatch.Elapsed.TotalSeconds;
Console.WriteLine("ours, by phase: " + string.Join(" → ", phases.Select(p => $"{p.Phase} at {p.Elapsed.TotalSeconds:F2} s")));
var inCode = Time(() => ModelTrainer.Train(builtInCode, Options(explain: false)).Metrics["AreaUnderRocCurve"], repeats: 1);
var oursExplained = Time(() => ModelTrainer.Train(frame, Options(explain: true)).Metrics["AreaUnderRocCurve"], repeats: 1);
var sklearn = Peer(features, labels, threads: null);
var sklearnOne = Peer(features, labels, threads: 1);

// Determinism with two threads: two fits, compared prediction by prediction.
var twoThreads = new List<(double Seconds, float[] Scores, double Auc)>();
for (var i = 0; i < 2; i++)
{
    var watch = Stopwatch.StartNew();
    var model = ModelTrainer.Train(frame, Options(explain: false, threads: 2));
    twoThreads.Add((watch.Elapsed.TotalSeconds, model.Predict(frame)["Probability"].Cast<float?>().Select(p => p!.Value).ToArray(), model.Metrics["AreaUnderRocCurve"]));
}

var oneThreadScores = ModelTrainer.Train(frame, Options(explain: false)).Predict(frame)["Probability"].Cast<float?>().Select(p => p!.Value).ToArray();
var oneThreadAgain = ModelTrainer.Train(frame, Options(explain: false)).Predict(frame)["Probability"].Cast<float?>().Select(p => p!.Value).ToArray();

Console.WriteLine();
Console.WriteLine("| run | time (s, median) | ratio to hand-written ML.NET | test AUC |");
Console.WriteLine("|---|---:|---:|---:|");
Row("ModelTrainer.Train (#!train --no-explain), LightGBM 1 thread", ours.Median, ours.Value);
Row("ModelTrainer.Train (#!train, with importance + learning curve)", oursExplained.Median, oursExplained.Value);
Row("ModelTrainer.Train on a DataFrame built in code (+ content fingerprint)", inCode.Median, inCode.Value);
Row("hand-written ML.NET pipeline, LightGBM 1 thread", handWritten.Median, handWritten.Value);
Row($"scikit-learn {sklearn.Version} HistGradientBoostingClassifier, {Environment.ProcessorCount} threads", sklearn.Seconds, sklearn.Auc);
Row($"scikit-learn {sklearnOne.Version} HistGradientBoostingClassifier, 1 thread", sklearnOne.Seconds, sklearnOne.Auc);
Row("ModelTrainer.Train, LightGBM 2 threads (--set NumberOfThreads=2)", twoThreads.Min(t => t.Seconds), twoThreads[0].Auc);
Console.WriteLine();
Console.WriteLine($"ours / hand-written: wall {ours.Median / handWritten.Median:F3}, CPU {ours.Cpu / handWritten.Cpu:F3} (medians of {Repeats} interleaved runs; target ≤ 1.15)");
Console.WriteLine($"ours / scikit-learn ({Environment.ProcessorCount} threads): {ours.Median / sklearn.Seconds:F2}; ours / scikit-learn (1 thread): {ours.Median / sklearnOne.Seconds:F2}");
Console.WriteLine($"a DataFrame built in code has no file to fingerprint: Fingerprint.Of hashes its values as text, {fingerprintSeconds:F2} s on its own (run beside training)");
Console.WriteLine($"LightGBM 1 thread, two fits: predictions identical: {oneThreadScores.SequenceEqual(oneThreadAgain)}");
Console.WriteLine($"LightGBM 2 threads, two fits: predictions identical: {twoThreads[0].Scores.SequenceEqual(twoThreads[1].Scores)}; AUC {twoThreads[0].Auc:R} vs {twoThreads[1].Auc:R}; same as 1 thread: {twoThreads[0].Scores.SequenceEqual(oneThreadScores)}");

void Row(string name, double seconds, double auc) =>
    Console.WriteLine($"| {name} | {seconds:F2} | {seconds / handWritten.Median:F2} | {auc:F4} |");

TrainOptions Options(bool explain, int threads = 1) => new()
{
    Label = "label",
    Trainer = "lightgbm",
    Split = "mod5",
    Seed = Seed,
    Explain = explain,
    // One thread, like the hand-written pipeline (the default now uses every core: see EveryCore.cs).
    Threads = 1,
    Hyperparameters = threads == 1 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["NumberOfThreads"] = threads.ToString(CultureInfo.InvariantCulture) },
};

// The pipeline an ML.NET user writes by hand: rows as a class with a feature vector, LightGBM, evaluate.
double HandWritten(float[][] x, bool[] y, int threads)
{
    var ml = new MLContext(Seed);
    var rows = Enumerable.Range(0, x.Length).Select(i => new Example { Features = x[i], Label = y[i] }).ToArray();
    var train = ml.Data.LoadFromEnumerable(rows.Where((_, i) => i % 5 != 0), SchemaFor(ml));
    var test = ml.Data.LoadFromEnumerable(rows.Where((_, i) => i % 5 == 0), SchemaFor(ml));
    var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
    {
        NumberOfIterations = 100,
        LearningRate = 0.1,
        NumberOfLeaves = 31,
        MinimumExampleCountPerLeaf = 20,
        Seed = Seed,
        Deterministic = true,
        Silent = true,
        NumberOfThreads = threads,
    });
    var model = trainer.Fit(train);
    return ml.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
}

static SchemaDefinition SchemaFor(MLContext ml)
{
    var schema = SchemaDefinition.Create(typeof(Example));
    schema[nameof(Example.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Columns);
    return schema;
}

static void WriteCsv(string path, float[][] x, bool[] y)
{
    using var writer = new StreamWriter(path);
    writer.WriteLine(string.Join(',', Enumerable.Range(0, x[0].Length).Select(j => $"x{j}")) + ",label");
    for (var i = 0; i < x.Length; i++)
    {
        writer.WriteLine(string.Join(',', x[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + (y[i] ? ",1" : ",0"));
    }
}

// Wall time on a shared machine swings by 2× between identical runs; the CPU time this process spends (all its
// threads, so the fingerprint thread counts too) is the steadier measure of the work each way does.
static ((double Median, double Value, double Cpu) First, (double Median, double Value, double Cpu) Second) Interleaved(Func<double> first, Func<double> second)
{
    var a = new List<(double Wall, double Cpu)>();
    var b = new List<(double Wall, double Cpu)>();
    double va = 0, vb = 0;
    var process = Process.GetCurrentProcess();
    for (var i = 0; i < Repeats; i++)
    {
        GC.Collect();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        va = first();
        process.Refresh();
        a.Add((watch.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds));
        GC.Collect();
        process.Refresh();
        cpu = process.TotalProcessorTime;
        watch.Restart();
        vb = second();
        process.Refresh();
        b.Add((watch.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds));
    }

    static string List(IEnumerable<double> values) => string.Join(", ", values.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)));
    Console.WriteLine($"wall, ours: {List(a.Select(x => x.Wall))} s; hand-written: {List(b.Select(x => x.Wall))} s");
    Console.WriteLine($"CPU,  ours: {List(a.Select(x => x.Cpu))} s; hand-written: {List(b.Select(x => x.Cpu))} s");
    static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
    return ((Median(a.Select(x => x.Wall)), va, Median(a.Select(x => x.Cpu))), (Median(b.Select(x => x.Wall)), vb, Median(b.Select(x => x.Cpu))));
}

static (double Median, double Value) Time(Func<double> run, int repeats = Repeats)
{
    var times = new List<double>();
    var value = 0.0;
    for (var i = 0; i < repeats; i++)
    {
        var watch = Stopwatch.StartNew();
        value = run();
        times.Add(watch.Elapsed.TotalSeconds);
    }

    times.Sort();
    return (times[times.Count / 2], value);
}

static (float[][] Features, bool[] Labels) Generate(int rows, int columns, int seed)
{
    var random = new Random(seed);
    var weights = Enumerable.Range(0, columns).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
    var x = new float[rows][];
    var y = new bool[rows];
    for (var i = 0; i < rows; i++)
    {
        var row = new float[columns];
        var z = 0.0;
        for (var j = 0; j < columns; j++)
        {
            row[j] = (float)((random.NextDouble() * 2) - 1);
            z += weights[j] * row[j];
        }

        // Some interactions and a threshold, so that trees have something to find beyond a linear rule.
        z += (1.5 * row[0] * row[1]) + (row[2] > 0.3 ? 0.8 : -0.2) + (0.7 * Math.Sin(3 * row[3]));
        y[i] = 1 / (1 + Math.Exp(-2 * z)) > random.NextDouble();
        x[i] = row;
    }

    return (x, y);
}

static (double Seconds, double Auc, string Version) Peer(float[][] x, bool[] y, int? threads)
{
    var path = Path.Combine(Path.GetTempPath(), $"nbml-bench-{Environment.ProcessId}.f32");
    using (var writer = new BinaryWriter(File.Create(path)))
    {
        for (var i = 0; i < x.Length; i++)
        {
            foreach (var v in x[i])
            {
                writer.Write(v);
            }

            writer.Write(y[i] ? 1f : 0f);
        }
    }

    try
    {
        var start = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "sklearn_peer.py"), path, x.Length.ToString(CultureInfo.InvariantCulture), x[0].Length.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (threads is { } t)
        {
            start.Environment["OMP_NUM_THREADS"] = t.ToString(CultureInfo.InvariantCulture);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scikit-learn failed (install python3-sklearn): {error}");
        }

        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return (json.RootElement.GetProperty("seconds").GetDouble(), json.RootElement.GetProperty("auc").GetDouble(), json.RootElement.GetProperty("version").GetString()!);
    }
    finally
    {
        File.Delete(path);
    }
}

internal sealed class Recorder(List<TrainingProgress> list) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => list.Add(value);
}

internal sealed class Example
{
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}
