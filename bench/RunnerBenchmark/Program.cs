using System.Diagnostics;
using System.Globalization;

// Runs the same sample notebook through our runner and through Jupyter with the real dotnet-interactive kernel,
// alternating, and prints the median wall times and their ratio. Both start from a warm NuGet cache, as a user's
// second run would: the first round of each is a warm-up and is not counted.
//
//   dotnet run -c Release --project bench/RunnerBenchmark [-- NOTEBOOK [ROUNDS]]
//
// Needs: a Release build of the runner (dotnet build -c Release src/Notebooks.Runner), Debian's Jupyter with the
// .NET kernel registered (dotnet tool restore && dotnet interactive jupyter install), and the packages
// (dotnet pack -c Release), which the Jupyter kernel restores through RestoreAdditionalProjectSources.

var root = FindRoot();
var notebook = Path.GetFullPath(args.Length > 0 ? args[0] : Path.Combine(root, "notebooks", "penguins.ipynb"));
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var runner = Path.Combine(root, "artifacts", "bin", "Notebooks.Runner", "release", "notebooks.dll");
var packages = Path.Combine(root, "artifacts", "packages");
if (!File.Exists(runner) || !Directory.Exists(packages))
{
    Console.Error.WriteLine($"Build first: dotnet build -c Release src/Notebooks.Runner && dotnet pack -c Release (missing {(!File.Exists(runner) ? runner : packages)})");
    return 1;
}

var output = Directory.CreateTempSubdirectory("runner-bench-").FullName;
var environment = new Dictionary<string, string>
{
    ["RestoreAdditionalProjectSources"] = packages,
    ["NOTEBOOKS_ML_RUNS"] = Path.Combine(output, "runs.db"),
    ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
};

var ours = new List<double>();
var jupyter = new List<double>();
Console.WriteLine($"notebook: {notebook}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
for (var round = 0; round <= rounds; round++)
{
    var a = Time("dotnet", [runner, "run", notebook, "--output", Path.Combine(output, "ours.ipynb")]);
    var b = Time("jupyter", ["nbconvert", "--to", "notebook", "--execute", notebook, "--output", Path.Combine(output, "jupyter.ipynb"),
        "--ExecutePreprocessor.timeout=900", "--ExecutePreprocessor.kernel_name=.net-csharp"]);
    var label = round == 0 ? "warm-up" : $"round {round}";
    Console.WriteLine($"{label,-8}  runner {a,6:F1} s   jupyter nbconvert {b,6:F1} s");
    if (round > 0)
    {
        ours.Add(a);
        jupyter.Add(b);
    }
}

var (mOurs, mJupyter) = (Median(ours), Median(jupyter));
Console.WriteLine();
Console.WriteLine("| how | median wall time (s) | ratio to Jupyter |");
Console.WriteLine("|---|---:|---:|");
Console.WriteLine($"| notebooks run (in-process kernel) | {mOurs:F1} | {mOurs / mJupyter:F2} |");
Console.WriteLine($"| jupyter nbconvert --execute (dotnet-interactive 1.0.712001) | {mJupyter:F1} | 1.00 |");
Console.WriteLine($"target: the runner takes at most half Jupyter's time: {(mOurs <= mJupyter / 2 ? "met" : "missed")}");
Directory.Delete(output, recursive: true);
return 0;

double Time(string file, string[] arguments)
{
    var info = new ProcessStartInfo(file) { WorkingDirectory = Path.GetDirectoryName(notebook)!, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in arguments)
    {
        info.ArgumentList.Add(argument);
    }

    foreach (var (key, value) in environment)
    {
        info.Environment[key] = value;
    }

    var stopwatch = Stopwatch.StartNew();
    using var process = Process.Start(info)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    process.WaitForExit();
    stopwatch.Stop();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
    }

    return stopwatch.Elapsed.TotalSeconds;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static string FindRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Notebooks.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
}
