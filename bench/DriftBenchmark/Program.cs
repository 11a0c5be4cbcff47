using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Analysis;
using Notebooks.ML.Drift;

// bench/DriftBenchmark: a 1,000,000 × 20 reference against a 1,000,000 × 20 current (13 numeric columns, 7
// categorical; some shifted, some with missing values), one drift report:
//   1. DataDrift.Compare, what #!drift runs: the preset's test per column (normed Wasserstein or Jensen–Shannon at
//      this size), PSI beside each, the distributions for the charts;
//   2. the same tests and PSI the way Evidently computes them, per column with pandas and scipy (evidently_peer.py,
//      Debian's python3-pandas and python3-scipy under /usr/bin/python3), on the same data.
// Prints the times, the ratio, and the largest difference between the two sides' statistics.
const int Rows = 1_000_000;
const int Seed = 17;
const int Repeats = 3;
const double Budget = 2.0;

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start");
if (Environment.GetEnvironmentVariable("NBML_DRIFT_PROFILE") is not null) { var g = new Generator(Seed); var f0 = Directory.CreateTempSubdirectory("p").FullName; var (r0, c0, _) = g.Make(Rows, f0); for (var k = 0; k < 3; k++) { var sw = Stopwatch.StartNew(); DataDrift.Compare(r0, c0); Console.Error.WriteLine($"total {sw.Elapsed.TotalMilliseconds:F0}"); } var p0 = Process.GetCurrentProcess().TotalProcessorTime; var sw2 = Stopwatch.StartNew(); DataDrift.Compare(r0, c0); Console.Error.WriteLine($"last: wall {sw2.Elapsed.TotalMilliseconds:F0} cpu {(Process.GetCurrentProcess().TotalProcessorTime - p0).TotalMilliseconds:F0}"); return; }
var folder = Directory.CreateTempSubdirectory("nbml-drift-bench-").FullName;
try
{
    var generator = new Generator(Seed);
    var (reference, current, manifest) = generator.Make(Rows, folder);
    Console.WriteLine($"data: {Rows:N0} × {reference.Columns.Count} reference against {Rows:N0} × {current.Columns.Count} current "
        + $"({manifest.Count(c => c.Kind == "num")} numeric, {manifest.Count(c => c.Kind == "cat")} categorical); written for the peer to {folder}");

    // Ours: one cold run (JIT included), then the median of warm ones; CPU time beside wall time (the machine is shared).
    var cold = Measure(() => DataDrift.Compare(reference, current));
    var warm = Enumerable.Range(0, Repeats).Select(_ => Measure(() => DataDrift.Compare(reference, current))).OrderBy(m => m.Wall).ToList();
    var median = warm[Repeats / 2];
    var report = median.Report;

    // The peer, once (it takes a while).
    var peer = RunPeer(folder);
    var peerSeconds = peer["seconds"]!.GetValue<double>();
    var peerColumns = peer["columns"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!);
    double worstStatistic = 0, worstPsi = 0;
    var methodsAgree = true;
    foreach (var column in report.Columns)
    {
        var theirs = peerColumns[column.Name];
        methodsAgree &= theirs["method"]!.GetValue<string>() == column.Method;
        worstStatistic = Math.Max(worstStatistic, Relative(column.Statistic, theirs["statistic"]!.GetValue<double>()));
        worstPsi = Math.Max(worstPsi, Relative(column.Psi, theirs["psi"]!.GetValue<double>()));
    }

    Console.WriteLine();
    Console.WriteLine($"report: {report}");
    Console.WriteLine($"tests: {string.Join(", ", report.Columns.GroupBy(c => c.Method).Select(g => $"{g.Key} × {g.Count()}"))}; the peer picked the same tests: {(methodsAgree ? "yes" : "NO")}");
    Console.WriteLine($"largest relative difference from the peer: statistic {worstStatistic:E1}, PSI {worstPsi:E1}");
    Console.WriteLine();
    Console.WriteLine("| run | wall (s) | CPU (s) | ratio to the peer |");
    Console.WriteLine("|---|---:|---:|---:|");
    Console.WriteLine($"| DataDrift.Compare (#!drift), warm, median of {Repeats} | {median.Wall:F2} | {median.Cpu:F2} | {median.Wall / peerSeconds:F3} |");
    Console.WriteLine($"| DataDrift.Compare, first run (JIT included) | {cold.Wall:F2} | {cold.Cpu:F2} | {cold.Wall / peerSeconds:F3} |");
    Console.WriteLine($"| pandas + scipy, Evidently's way, per column | {peerSeconds:F2} | | 1.000 |");
    Console.WriteLine();
    Console.WriteLine($"ours is {peerSeconds / median.Wall:F1}× faster than the peer; budget {Budget:F1} s: {(median.Wall <= Budget ? "met" : "NOT met")} (warm), {(cold.Wall <= Budget ? "met" : "not met")} (cold)");
    Console.WriteLine($"warm runs: {string.Join(", ", warm.Select(m => m.Wall.ToString("F2", CultureInfo.InvariantCulture)))} s; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static (double Wall, double Cpu, DriftReport Report) Measure(Func<DriftReport> run)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var report = run();
    var wall = watch.Elapsed.TotalSeconds;
    process.Refresh();
    return (wall, (process.TotalProcessorTime - cpu).TotalSeconds, report);
}

static JsonNode RunPeer(string folder)
{
    var script = Path.Combine(AppContext.BaseDirectory, "evidently_peer.py");
    var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
    info.ArgumentList.Add(script);
    info.ArgumentList.Add(folder);
    using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start /usr/bin/python3");
    var error = process.StandardError.ReadToEndAsync();
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"evidently_peer.py failed ({process.ExitCode}); install python3-pandas and python3-scipy. {error.Result}");
    }

    return JsonNode.Parse(output)!;
}

static double Relative(double ours, double theirs) => ours == theirs ? 0 : Math.Abs(ours - theirs) / Math.Max(Math.Abs(theirs), double.Epsilon);

/// <summary>The benchmark's data, seeded: the same frames for ours and (as raw files) for the peer.</summary>
internal sealed class Generator(int seed)
{
    private readonly Random _random = new(seed);

    public sealed record Column(string Name, string Kind, string[]? Categories);

    public (DataFrame Reference, DataFrame Current, List<Column> Manifest) Make(int rows, string folder)
    {
        var reference = new List<DataFrameColumn>();
        var current = new List<DataFrameColumn>();
        var manifest = new List<Column>();

        void Numeric(string name, Func<int, bool, double> value, bool whole = false)
        {
            foreach (var (side, list) in new[] { ("ref", reference), ("cur", current) })
            {
                var values = new double[rows];
                for (var i = 0; i < rows; i++)
                {
                    values[i] = value(i, side == "cur");
                }

                using (var file = File.Create(Path.Combine(folder, $"{side}-{name}.f64")))
                {
                    file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
                }

                list.Add(whole
                    ? new Int32DataFrameColumn(name, values.Select(v => double.IsNaN(v) ? (int?)null : (int)v))
                    : new DoubleDataFrameColumn(name, values.Select(v => double.IsNaN(v) ? (double?)null : v)));
            }

            manifest.Add(new Column(name, "num", null));
        }

        void Categorical(string name, string[] categories, Func<bool, double[]> weights, double missing = 0)
        {
            foreach (var (side, list) in new[] { ("ref", reference), ("cur", current) })
            {
                var cumulative = weights(side == "cur");
                var total = cumulative.Sum();
                var codes = new int[rows];
                var column = new StringDataFrameColumn(name, rows);
                for (var i = 0; i < rows; i++)
                {
                    var u = _random.NextDouble() * total;
                    var k = 0;
                    while (k < cumulative.Length - 1 && (u -= cumulative[k]) >= 0)
                    {
                        k++;
                    }

                    codes[i] = _random.NextDouble() < missing ? -1 : k;
                    column[i] = codes[i] < 0 ? null : categories[k];
                }

                using (var file = File.Create(Path.Combine(folder, $"{side}-{name}.i32")))
                {
                    file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(codes.AsSpan()));
                }

                list.Add(column);
            }

            manifest.Add(new Column(name, "cat", categories));
        }

        double Normal() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
        string[] Names(string stem, int count) => Enumerable.Range(0, count).Select(i => $"{stem}{i}").ToArray();

        Numeric("amount", (_, cur) => Math.Exp(3 + Normal() * (cur ? 1.1 : 1.0)));
        Numeric("age", (_, cur) => Math.Round(40 + (12 * Normal()) + (cur ? 2 : 0)), whole: true);
        Numeric("score", (_, _) => Normal());
        Numeric("score_shifted", (_, cur) => Normal() + (cur ? 0.3 : 0));
        Numeric("ratio", (_, _) => _random.NextDouble());
        Numeric("ratio_scaled", (_, cur) => _random.NextDouble() * (cur ? 1.5 : 1));
        Numeric("balance", (_, _) => _random.NextDouble() < 0.02 ? double.NaN : 1000 * Normal());
        Numeric("latency", (_, cur) => -Math.Log(1 - _random.NextDouble()) * (cur ? 120 : 100));
        Numeric("temperature", (_, _) => 20 + (5 * Normal()));
        Numeric("visits", (_, _) => Math.Floor(-Math.Log(1 - _random.NextDouble()) * 3), whole: true);
        Numeric("items", (_, cur) => Math.Floor(_random.NextDouble() * (cur ? 60 : 50)), whole: true);
        Numeric("rating", (_, _) => Math.Floor(_random.NextDouble() * 5) + 1, whole: true);
        Numeric("flag", (_, cur) => _random.NextDouble() < (cur ? 0.35 : 0.3) ? 1 : 0, whole: true);
        Categorical("country", Names("country", 20), _ => Enumerable.Range(1, 20).Select(i => 1.0 / i).ToArray());
        Categorical("device", ["phone", "tablet", "desktop", "tv", "watch"], cur => cur ? [5, 1, 3, 0.2, 0.8] : [5, 1, 3, 0.2, 0.1]);
        Categorical("plan", ["free", "basic", "pro"], _ => [6, 3, 1], missing: 0.01);
        Categorical("channel", Names("channel", 50), _ => Enumerable.Repeat(1.0, 50).ToArray());
        Categorical("segment", ["a", "b", "c", "d"], cur => cur ? [1, 1, 1, 1] : [1, 1, 1, 0]);
        Categorical("zip", Names("z", 1000), _ => Enumerable.Range(0, 1000).Select(i => 1 + (i % 7)).Select(w => (double)w).ToArray());
        Categorical("consent", ["yes", "no"], _ => [9, 1]);

        File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(new
        {
            columns = manifest.Select(c => new { name = c.Name, kind = c.Kind, categories = c.Categories ?? [] }),
        }));
        return (new DataFrame(reference), new DataFrame(current), manifest);
    }
}
