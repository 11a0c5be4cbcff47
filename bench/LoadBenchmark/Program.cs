using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Analysis;
using Notebooks.ML.Bench;
using Notebooks.ML.Data;

// LoadBenchmark: our #!load path against its peers on the same generated files, in one run, one table per case:
//   parquet  DataLoader.Load vs raw Parquet.Net, DuckDB and our load of the same data as CSV (and pandas if pyarrow is there)
//   json     DataLoader.Load vs pandas read_json, for a JSON array and JSON lines
//   csv      DataLoader.Load vs pandas read_csv and DataFrame.LoadCsv, warm, each in a fresh process (peak memory too)
//   first    the first #!load in a freshly started dotnet-interactive kernel (stdio) vs pandas' first read_csv
//
//   dotnet run -c Release --project bench/LoadBenchmark [-- --only parquet,json,csv,first --rows 1000000 --big-rows 3000000 --runs 3 --kernels 3 --data DIR]
//   dotnet run -c Release --project bench/LoadBenchmark -- profile FILE   (where the time goes, in one process)

if (args.Length > 0 && args[0] == "profile")
{
    return Profile.Run(args[1]);
}

if (args.Length > 0 && args[0] == "child")
{
    return Child.Run(args[1], args[2], args[3]);
}

if (args.Length > 0 && args[0] == "format-child")
{
    return Formats.RunChild(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
}

var options = Args.Parse(args);
Directory.CreateDirectory(options.Data);
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {Runner.LoadAverage()}, .NET {Environment.Version}, {Runner.PythonVersion()}");
Console.WriteLine();
if (options.Only.Contains("parquet"))
{
    Formats.Parquet(options.Data, options.ParquetRows, Math.Max(options.Runs, 5));
}

if (options.Only.Contains("json"))
{
    Formats.Json(options.Data, options.JsonRows, Math.Max(options.Runs, 5));
}

var warmup = Path.Combine(options.Data, "warmup.csv");
var files = new List<(string Path, int Rows, bool LoadCsv)>
{
    (Path.Combine(options.Data, $"load-{options.Rows}.csv"), options.Rows, true),
};
if (options.BigRows > 0)
{
    files.Add((Path.Combine(options.Data, $"load-{options.BigRows}.csv"), options.BigRows, false));
}

foreach (var (path, rows, _) in files.Append((warmup, 2_000, false)))
{
    if (!File.Exists(path))
    {
        Console.WriteLine($"generating {Path.GetFileName(path)} ({rows:N0} rows)…");
        Generator.Write(path, rows);
    }
}

if (options.Only.Contains("first"))
{
    FirstLoad.Run(Runner.RepositoryRoot(), files[0].Path, options.Kernels);
}

if (!options.Only.Contains("csv"))
{
    return 0;
}

Console.WriteLine($"CSV, warm: each cell best of {options.Runs} runs, each run a fresh process warmed up by three {2_000:N0}-row loads (cold: none); seconds = wall time of the load alone; cpu s = CPU time of the process during it (all threads); peak = the process's peak RSS (VmHWM / ru_maxrss), runtime included");
var results = new List<Row>();
foreach (var (path, rows, loadCsv) in files)
{
    var megabytes = new FileInfo(path).Length / 1e6;
    var ours = Runner.Best(options.Runs, () => Runner.Dotnet("ours", path, warmup));
    var parallel = Runner.Best(options.Runs, () => Runner.Dotnet("ours-parallel", path, warmup));
    var cold = Runner.Best(options.Runs, () => Runner.Dotnet("ours", path, "none"));
    var pandas = Runner.Best(options.Runs, () => Runner.Pandas(path, warmup));
    // The same file for every reader, read from the page cache: none pays for the disk.
    var slow = loadCsv && !options.SkipLoadCsv ? Runner.Best(1, () => Runner.Dotnet("loadcsv", path, warmup)) : null;
    results.Add(new Row(Path.GetFileName(path), rows, megabytes, ours, parallel, cold, pandas, slow));
}

Table.Print(results);
return 0;

internal sealed record Args(int Rows, int BigRows, int Runs, string Data, bool SkipLoadCsv, string[] Only, int ParquetRows, int JsonRows, int Kernels)
{
    public static Args Parse(string[] args)
    {
        int Int(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        var dataIndex = Array.IndexOf(args, "--data");
        var data = dataIndex >= 0 ? args[dataIndex + 1] : Path.Combine(Path.GetTempPath(), "nbml-load-bench");
        var onlyIndex = Array.IndexOf(args, "--only");
        var only = onlyIndex >= 0 ? args[onlyIndex + 1].Split(',') : ["parquet", "json", "first", "csv"];
        return new Args(Int("--rows", 1_000_000), Int("--big-rows", 3_000_000), Int("--runs", 3), data, args.Contains("--skip-loadcsv"), only,
            Int("--parquet-rows", 3_000_000), Int("--json-rows", 200_000), Int("--kernels", 3));
    }
}

/// <summary>One measurement: wall seconds of the load alone, peak RSS of the process, and what it loaded.</summary>
internal sealed record Measurement(double Seconds, double CpuSeconds, long PeakBytes, long BaselineBytes, long Rows, int Columns, double CardSeconds, string Types);

internal sealed record Row(string File, int Rows, double Megabytes, Measurement Ours, Measurement Parallel, Measurement Cold, Measurement Pandas, Measurement? LoadCsv);

internal static class Child
{
    public static int Run(string tool, string path, string warmup)
    {
        // Warm up as a notebook session is after a few cells: a few small loads of the same shape, with pauses so
        // that tiered compilation finishes. "none" measures a cold first load instead.
        if (warmup != "none")
        {
            for (var i = 0; i < 3; i++)
            {
                Load(tool, warmup);
                Thread.Sleep(300);
            }
        }

        GC.Collect();
        var baseline = Memory.CurrentRss();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var frame = Load(tool, path, out var card);
        stopwatch.Stop();
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var cardWatch = Stopwatch.StartNew();
        if (card is not null)
        {
            _ = card.Schema;
        }

        cardWatch.Stop();
        var types = string.Join(" ", frame.Columns.Select(c => ColumnTypeName(c.DataType)));
        var m = new Measurement(stopwatch.Elapsed.TotalSeconds, cpuSeconds, Memory.PeakRss(), baseline, frame.Rows.Count, frame.Columns.Count, cardWatch.Elapsed.TotalSeconds, types);
        Console.WriteLine(JsonSerializer.Serialize(m));
        GC.KeepAlive(frame);
        return 0;
    }

    private static DataFrame Load(string tool, string path) => Load(tool, path, out _);

    private static DataFrame Load(string tool, string path, out LoadedData? loaded)
    {
        loaded = null;
        if (tool == "loadcsv")
        {
            return DataFrame.LoadCsv(path);
        }

        loaded = DataLoader.Load(path, tool == "ours-parallel" ? new LoadOptions { Parallelism = Math.Max(2, Environment.ProcessorCount) } : null);
        return loaded.Data;
    }

    private static string ColumnTypeName(Type type) => type == typeof(double) ? "f64" : type == typeof(float) ? "f32" : type == typeof(int) ? "i32" : type == typeof(long) ? "i64" : type == typeof(string) ? "str" : type.Name;
}

internal static class Memory
{
    public static long PeakRss() => Status("VmHWM:");

    public static long CurrentRss() => Status("VmRSS:");

    private static long Status(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var kb = long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }

        return 0;
    }
}

internal static class Runner
{
    private const string Python = "/usr/bin/python3";

    private const string PandasScript = """
        import json, resource, sys, time, gc
        import pandas as pd
        path, warmup = sys.argv[1], sys.argv[2]
        for _ in range(3):
            pd.read_csv(warmup)
        gc.collect()
        def rss():
            for line in open('/proc/self/status'):
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) * 1024
        baseline = rss()
        start = time.perf_counter()
        cpu = time.process_time()
        df = pd.read_csv(path)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        kinds = {'float64': 'f64', 'int64': 'i64', 'object': 'str'}
        types = ' '.join(kinds.get(str(t), str(t)) for t in df.dtypes)
        print(json.dumps({'Seconds': seconds, 'CpuSeconds': cpu, 'PeakBytes': peak, 'BaselineBytes': baseline, 'Rows': len(df), 'Columns': len(df.columns), 'CardSeconds': 0.0, 'Types': types}))
        """;

    public static string PythonVersion()
    {
        var output = Capture(Python, ["-c", "import pandas, sys; print(f'python {sys.version.split()[0]}, pandas {pandas.__version__}')"]);
        return output.Trim();
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static Measurement Best(int runs, Func<Measurement> measure)
    {
        var all = Enumerable.Range(0, runs).Select(_ => measure()).ToArray();
        return all.MinBy(m => m.Seconds)! with { PeakBytes = all.Max(m => m.PeakBytes) };
    }

    public static Measurement Dotnet(string tool, string path, string warmup) =>
        Parse(CaptureSelf(["child", tool, path, warmup]));

    /// <summary>Runs this benchmark again as a child process with <paramref name="arguments"/> and returns its output.</summary>
    public static string CaptureSelf(IEnumerable<string> arguments)
    {
        var self = Environment.ProcessPath!;
        var all = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            all.Add(typeof(Runner).Assembly.Location);
        }

        all.AddRange(arguments);
        return Capture(self, all);
    }

    /// <summary>Runs Debian's python (pandas) with OPENBLAS_* unset: they slow numpy here and do not matter to reading.</summary>
    public static string CapturePython(IEnumerable<string> arguments) => Capture(Python, ["-c", .. arguments], unsetBlas: true);

    /// <summary>The repository this benchmark was built from (the folder holding Notebooks.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var folder = AppContext.BaseDirectory; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(Path.Combine(folder, "Notebooks.sln")))
            {
                return folder;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository (Notebooks.sln not found above it).");
    }

    public static Measurement Pandas(string path, string warmup)
    {
        // OPENBLAS_* slow numpy here and do not matter to read_csv; unset them for the peer as the machine notes advise.
        return Parse(CapturePython([PandasScript, path, warmup]));
    }

    private static Measurement Parse(string output) =>
        JsonSerializer.Deserialize<Measurement>(output.Trim().Split('\n')[^1])!;

    public static string Capture(string file, IEnumerable<string> arguments, string? workingDirectory = null, bool unsetBlas = false)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (unsetBlas)
        {
            info.Environment.Remove("OPENBLAS_CORETYPE");
            info.Environment.Remove("OPENBLAS_L2_SIZE");
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}{stdout}");
        }

        return stdout;
    }
}

internal static class Table
{
    public static void Print(IReadOnlyList<Row> rows)
    {
        Console.WriteLine($"{"file",-20} {"MB",7} {"reader",-24} {"seconds",8} {"cpu s",7} {"MB/s",7} {"peak MB",8} {"peak/file",9} {"vs ours",8}  shape and types");
        foreach (var row in rows)
        {
            Line(row, "ours (DataLoader.Load)", row.Ours, row.Ours);
            Console.WriteLine($"{"",-20} {"",7} {"  + schema card",-24} {row.Ours.CardSeconds,8:F3}   (min/max/mean and distinct per column, computed when the card is shown)");
            Line(row, "ours, multi-core reader", row.Parallel, row.Ours);
            Line(row, "ours, cold (first load)", row.Cold, row.Ours);
            Line(row, "pandas read_csv", row.Pandas, row.Ours);
            if (row.LoadCsv is { } slow)
            {
                Line(row, "DataFrame.LoadCsv", slow, row.Ours);
            }
        }

        Console.WriteLine();
        foreach (var row in rows)
        {
            var pandas = row.Pandas.Seconds / row.Ours.Seconds;
            var pandasCpu = row.Pandas.CpuSeconds / row.Ours.CpuSeconds;
            var memory = row.Ours.PeakBytes / (row.Megabytes * 1e6);
            var loadCsv = row.LoadCsv is { } s ? $", {s.Seconds / row.Ours.Seconds:F1}× faster than DataFrame.LoadCsv (target ≥ 10×)" : "";
            Console.WriteLine($"{row.File}: ours is {pandas:F2}× faster than pandas (target ≥ 2×){loadCsv}; peak memory {memory:F2}× the file (target ≤ 2.5×); ours needs {pandasCpu:F2}× less CPU than pandas");
        }
    }

    private static void Line(Row row, string reader, Measurement m, Measurement ours)
    {
        var ratio = m == ours ? "1.00×" : $"{m.Seconds / ours.Seconds:F2}×";
        Console.WriteLine($"{row.File,-20} {row.Megabytes,7:F1} {reader,-24} {m.Seconds,8:F3} {m.CpuSeconds,7:F2} {row.Megabytes / m.Seconds,7:F0} {m.PeakBytes / 1e6,8:F0} {m.PeakBytes / (row.Megabytes * 1e6),9:F2} {ratio,8}  {m.Rows:N0}×{m.Columns} {m.Types}");
    }
}
