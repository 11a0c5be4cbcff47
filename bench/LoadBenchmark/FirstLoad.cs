using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Notebooks.ML.Bench;

/// <summary>
/// The first <c>#!load</c> in a newly started kernel, the one a user feels: the real <c>dotnet-interactive</c> tool over
/// its stdio protocol (what VS Code speaks), with the extension packed by <c>dotnet pack -c Release</c> into a feed of
/// this run's own, under a version no cache has seen. Each kernel first runs the <c>#r</c> cell (not timed, as
/// <c>import pandas</c> is not), then the timed <c>#!load</c> cell, then the same cell again (warm). The peer is
/// pandas <c>read_csv</c> in a fresh python process after <c>import pandas</c>.
/// </summary>
internal static partial class FirstLoad
{
    public static void Run(string repo, string file, int kernels)
    {
        var root = Directory.CreateTempSubdirectory("nbml-first-load-").FullName;
        try
        {
            var version = $"0.1.0-bench.{DateTime.UtcNow:yyyyMMddHHmmss}";
            var feed = Path.Combine(root, "feed");
            foreach (var project in new[] { "src/Notebooks.ML", "src/Notebooks.ML.Serving", "src/Notebooks.ML.Cluster", "kernel-extension/Notebooks.ML.Interactive" })
            {
                Console.WriteLine($"packing {project} {version} (Release)…");
                Runner.Capture("dotnet", ["pack", Path.Combine(repo, project), "-c", "Release", "-o", feed, $"-p:Version={version}", "-v", "quiet", "-nologo"], repo);
            }

            Runner.Capture("dotnet", ["tool", "restore"], repo);
            var megabytes = new FileInfo(file).Length / 1e6;
            Console.WriteLine($"first #!load of {Path.GetFileName(file)} ({megabytes:F1} MB) in {kernels} fresh dotnet-interactive kernels (stdio), and pandas read_csv in {kernels} fresh python processes");

            var first = new List<double>();
            var card = new List<double>();
            var second = new List<double>();
            var reference = new List<double>();
            for (var k = 0; k < kernels; k++)
            {
                using var kernel = Kernel.Start(repo);
                var r = kernel.Submit($"#i \"nuget: {feed}\"\n#r \"nuget: Notebooks.ML.Interactive, {version}\"");
                reference.Add(r.Seconds);
                var load = kernel.Submit($"#!load {file} --as df");
                first.Add(load.Seconds);
                card.Add(CardSeconds(load.Html));
                second.Add(kernel.Submit($"#!load {file} --as df").Seconds);
            }

            var pandas = new List<double>();
            for (var k = 0; k < kernels; k++)
            {
                var output = Runner.CapturePython(["import time, sys\nimport pandas as pd\nstart = time.perf_counter()\ndf = pd.read_csv(sys.argv[1])\nprint(time.perf_counter() - start)", file]);
                pandas.Add(double.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture));
            }

            Console.WriteLine($"{"measure",-52} {"best s",8} {"median s",9} {"vs pandas",10}");
            Row("#r of the extension (not timed against anything)", reference, null);
            Row("ours: first #!load cell in a fresh kernel", first, pandas);
            Row("  of which the load itself (the card's time)", card, pandas);
            Row("ours: the same #!load again in that kernel", second, pandas);
            Row("pandas read_csv, first call in a fresh python", pandas, pandas);
            Console.WriteLine($"→ first #!load cell {pandas.Min() / first.Min():F2}× faster than pandas' first read_csv (best of {kernels}; target ≥ 2×); warm in the kernel {pandas.Min() / second.Min():F2}×");
            Console.WriteLine();
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A kernel may still hold a file for a moment.
            }
        }
    }

    private static void Row(string what, List<double> seconds, List<double>? pandas)
    {
        var sorted = seconds.Order().ToArray();
        var ratio = pandas is null ? "" : $"{pandas.Min() / sorted[0]:F2}×";
        Console.WriteLine($"{what,-52} {sorted[0],8:F3} {sorted[sorted.Length / 2],9:F3} {ratio,10}");
    }

    /// <summary>The load's own time as the card states it ("… · csv · 612 ms · fingerprint …").</summary>
    private static double CardSeconds(string html)
    {
        var match = CardTime().Match(html);
        if (!match.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value == "ms" ? value / 1000 : value;
    }

    [GeneratedRegex(@"· ([0-9.]+) (ms|s) · fingerprint")]
    private static partial Regex CardTime();

    /// <summary>A dotnet-interactive process in stdio mode.</summary>
    private sealed class Kernel : IDisposable
    {
        private readonly Process _process;
        private int _next;

        private Kernel(Process process) => _process = process;

        public static Kernel Start(string repo)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = repo,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "tool", "run", "dotnet-interactive", "--", "stdio", "--default-kernel", "csharp" })
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
            info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            var process = Process.Start(info)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            return new Kernel(process);
        }

        public (double Seconds, string Html) Submit(string code)
        {
            var token = $"bench-{++_next}";
            var envelope = new JsonObject
            {
                ["commandType"] = "SubmitCode",
                ["command"] = new JsonObject { ["code"] = code, ["targetKernelName"] = "csharp" },
                ["token"] = token,
            };
            _process.StandardInput.WriteLine(envelope.ToJsonString());
            _process.StandardInput.Flush();
            var stopwatch = Stopwatch.StartNew();
            var html = new List<string>();
            while (true)
            {
                var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The kernel exited.");
                if (!line.StartsWith('{'))
                {
                    continue;
                }

                using var message = JsonDocument.Parse(line);
                var root = message.RootElement;
                if (!root.TryGetProperty("eventType", out var type))
                {
                    continue;
                }

                if (root.GetProperty("event").TryGetProperty("formattedValues", out var values))
                {
                    html.AddRange(values.EnumerateArray().Select(v => v.GetProperty("value").GetString() ?? ""));
                }

                var commandToken = root.TryGetProperty("command", out var command) && command.ValueKind == JsonValueKind.Object && command.TryGetProperty("token", out var t) ? t.GetString() : null;
                if (commandToken != token)
                {
                    continue;
                }

                if (type.GetString() == "CommandFailed")
                {
                    throw new InvalidOperationException($"'{code}' failed: {root.GetProperty("event").GetProperty("message").GetString()}");
                }

                if (type.GetString() == "CommandSucceeded")
                {
                    return (stopwatch.Elapsed.TotalSeconds, string.Join("\n", html));
                }
            }
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(10_000))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _process.Dispose();
        }
    }
}
