using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Notebooks.Tests;
using Npgsql;
using Xunit.Abstractions;

namespace Notebooks.EndToEnd.Tests;

/// <summary>
/// #!cluster in the real dotnet-interactive kernel over stdio (what VS Code speaks), not only in the runner's
/// in-process kernel: Orleans' client has to load beside the kernel's own Microsoft.Extensions assemblies. A
/// `notebooks worker` from the packed tool joins a cluster whose membership is in PostgreSQL; the kernel's search runs
/// its trials there and gives the leaderboard the same kernel gets on its own cores after #!cluster off.
/// </summary>
[Collection("real kernel")]
public sealed partial class ClusterStdioTests(KernelEnvironment environment, ITestOutputHelper log) : IDisposable
{
    private const string Variable = "NOTEBOOKS_ML_TEST_POSTGRES";
    private readonly string _schema = "nbml_e2e_cluster_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-e2e-cluster-").FullName;
    private readonly StringBuilder _workerLog = new();
    private Process? _worker;
    private string? _server;

    [SkippableFact]
    public async Task A_search_runs_on_a_worker_from_the_real_kernel_and_gives_the_local_leaderboard()
    {
        Assert.True(environment.PackError is null, environment.PackError);
        _server = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
        Requirements.Require(_server is not null, $"PostgreSQL ({Variable} is not set)", "start PostgreSQL: source .ci/postgres.sh as root");
        await ExecuteAsync($"CREATE SCHEMA {_schema}");
        var connection = new NpgsqlConnectionStringBuilder(_server) { SearchPath = _schema }.ConnectionString;

        var tools = Path.Combine(_folder, "tools");
        var install = await Processes.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", environment.Packages, "Notebooks.ML.Runner", "--version", "0.1.0"],
            _folder, environment.Variables, TimeSpan.FromMinutes(8));
        Assert.True(install.ExitCode == 0, install.All);
        var joined = StartWorker(Path.Combine(tools, "notebooks"), connection);
        var name = await joined.WaitAsync(TimeSpan.FromMinutes(2));

        await using var kernel = await StdioKernel.StartAsync(environment);
        foreach (var code in new[]
        {
            $"#i \"nuget: {environment.Packages}\"\n#r \"nuget: Notebooks.ML.Interactive, 0.1.0\"",
            $"#!runs store {Path.Combine(_folder, "runs.db")}",
            $"#!load {Repo.Data("breast_cancer.csv")}",
        })
        {
            var result = await kernel.SubmitAsync(code);
            Assert.True(result.Succeeded, code + ": " + result.Describe());
        }

        var card = await kernel.SubmitAsync($"#!cluster \"{connection}\"");
        Assert.True(card.Succeeded, card.Describe() + "\nworker:\n" + WorkerLog);
        Assert.Contains(name, card.Html, StringComparison.Ordinal);

        const string Search = "#!train --data breast_cancer --label diagnosis --trainer auto --trials 9 --seed 5 --no-explain --as ";
        var remote = await kernel.SubmitAsync(Search + "remote");
        Assert.True(remote.Succeeded, remote.Describe() + "\nworker:\n" + WorkerLog);
        Assert.Contains(name, remote.Html, StringComparison.Ordinal);

        var off = await kernel.SubmitAsync("#!cluster off");
        Assert.True(off.Succeeded, off.Describe());
        var local = await kernel.SubmitAsync(Search + "local");
        Assert.True(local.Succeeded, local.Describe());

        var compare = await kernel.SubmitAsync("""
            string Board(Notebooks.ML.Training.TrainedModel m) => string.Join("\n", m.Leaderboard.Select(t => FormattableString.Invariant($"{t.Number} {t.Trainer} {string.Join(",", t.Hyperparameters)} {t.Rows} {t.Metric:R} {t.Status}")));
            Console.WriteLine("WORKERS:" + string.Join(",", remote.Leaderboard.Select(t => t.Worker).Distinct()));
            Console.WriteLine("SAME:" + (Board(remote) == Board(local) && remote.Metrics.SequenceEqual(local.Metrics)));
            // On this machine's cores the trials beside the first ran in lanes: their own copies of the engine, loaded beside the kernel's.
            Console.WriteLine("LANES:" + (Environment.ProcessorCount == 1 || System.Runtime.Loader.AssemblyLoadContext.All.Any(c => c.Name?.StartsWith("Notebooks.ML trials lane", StringComparison.Ordinal) == true)));
            """);
        Assert.True(compare.Succeeded, compare.Describe());
        log.WriteLine(compare.Text);
        log.WriteLine(WorkerLog);
        Assert.Contains("SAME:True", compare.Text, StringComparison.Ordinal);
        Assert.Contains("LANES:True", compare.Text, StringComparison.Ordinal);
        Assert.Contains("WORKERS:" + name, compare.Text, StringComparison.Ordinal);
        Assert.Matches(TrialLine(), WorkerLog);
    }

    private string WorkerLog
    {
        get
        {
            lock (_workerLog)
            {
                return _workerLog.ToString();
            }
        }
    }

    /// <summary>Starts `notebooks worker`; the task gives the worker's name once it has joined.</summary>
    private Task<string> StartWorker(string notebooks, string connection)
    {
        var joined = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var info = new ProcessStartInfo(notebooks, ["worker", "--cluster", connection, "--slots", "2", "--address", "127.0.0.1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _folder,
        };
        _worker = Process.Start(info) ?? throw new InvalidOperationException("Could not start notebooks worker");
        void Line(string? line)
        {
            if (line is null)
            {
                joined.TrySetException(new InvalidOperationException("notebooks worker exited:\n" + WorkerLog));
                return;
            }

            lock (_workerLog)
            {
                _workerLog.AppendLine(line);
            }

            if (JoinedLine().Match(line) is { Success: true } match)
            {
                joined.TrySetResult(match.Groups[1].Value);
            }
        }

        _worker.OutputDataReceived += (_, e) => Line(e.Data);
        _worker.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Line(e.Data);
            }
        };
        _worker.BeginOutputReadLine();
        _worker.BeginErrorReadLine();
        return joined.Task;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        if (_worker is { HasExited: false })
        {
            _worker.Kill(entireProcessTree: true);
            _worker.WaitForExit(10_000);
        }

        _worker?.Dispose();
        if (_server is not null)
        {
            NpgsqlConnection.ClearAllPools();
            ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE").GetAwaiter().GetResult();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a file for a moment.
        }
    }

    [GeneratedRegex(@"trial #\d+ \S+ .* on [\d,]+ rows of \w+: [\d.]+ in [\d.]+ s")]
    private static partial Regex TrialLine();

    [GeneratedRegex(@"worker (\S+) joined the cluster ")]
    private static partial Regex JoinedLine();
}
