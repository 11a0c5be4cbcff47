using System.Diagnostics;
using System.Text;
using Notebooks.Tests;
using Npgsql;
using Xunit.Abstractions;

namespace Notebooks.ML.Cluster.Tests;

/// <summary>
/// End to end with real processes: PostgreSQL holds the membership, two <c>notebooks worker</c> processes join, a
/// notebook run by <c>notebooks run</c> connects with <c>#!cluster</c> and searches; one worker is killed with
/// SIGKILL in the middle of the search. The leaderboard must equal the one the same notebook gets on its own.
/// </summary>
public sealed partial class WorkerProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string Variable = "NOTEBOOKS_ML_TEST_POSTGRES";
    private readonly string _schema = "nbml_cluster_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-cluster-e2e-").FullName;
    private readonly List<Worker> _workers = [];
    private string? _server;

    [SkippableFact]
    public async Task A_search_on_two_worker_processes_survives_a_SIGKILL_and_gives_the_local_leaderboard()
    {
        _server = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
        Requirements.Require(_server is not null, $"PostgreSQL ({Variable} is not set)", "start PostgreSQL: source .ci/postgres.sh as root");
        await Execute($"CREATE SCHEMA {_schema}");
        var connection = new NpgsqlConnectionStringBuilder(_server) { SearchPath = _schema }.ConnectionString;

        var first = Start(connection);
        var second = Start(connection);
        await Task.WhenAll(first.Joined, second.Joined).WaitAsync(TimeSpan.FromMinutes(2));

        File.Copy(Repo.Data("diamonds.csv"), Path.Combine(_folder, "diamonds.csv"));
        var killedMidSearch = new TaskCompletionSource<bool>();
        var clustered = await RunNotebookAsync("clustered", $"#!cluster \"{connection}\"", onStarted: run =>
        {
            // Kill the second worker a moment after it finished a trial: it holds its next one by then.
            _ = second.FinishedTrial.ContinueWith(async _ =>
            {
                await Task.Delay(300);
                second.Process.Kill();
                killedMidSearch.TrySetResult(!run.HasExited);
            }, TaskScheduler.Default);
        });
        var local = await RunNotebookAsync("local", "// this machine", onStarted: null);
        Assert.True(await killedMidSearch.Task.WaitAsync(TimeSpan.FromSeconds(30)), "the search ended before the worker was killed");

        output.WriteLine(second.Log);
        Assert.True(second.Process.HasExited, "the second worker was not killed");
        Assert.Equal(local.Board, clustered.Board);
        // Orleans loads only when a notebook uses #!cluster: loading the extension and training do not touch it.
        Assert.False(local.LoadedOrleans, "a notebook without #!cluster loaded Orleans");
        Assert.True(clustered.LoadedOrleans);
        Assert.Equal(13, clustered.Workers.Count);
        Assert.Contains(first.Name, clustered.Workers);
        Assert.All(clustered.Workers, w => Assert.Contains(w, new[] { first.Name, second.Name }));
        // Every trial after the last one the killed worker delivered ran on the survivor.
        var afterKill = clustered.Workers.Skip(clustered.Workers.ToList().LastIndexOf(second.Name) + 1).ToArray();
        Assert.NotEmpty(afterKill);
        Assert.All(afterKill, w => Assert.Equal(first.Name, w));

        // Ctrl+C: the surviving worker leaves the cluster gracefully.
        using (var interrupt = Process.Start("kill", ["-INT", first.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }

        await first.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine(first.Log);
        output.WriteLine(second.Log);
        Assert.Equal(0, first.Process.ExitCode);
        Assert.Contains("left", first.Log.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
        Assert.Matches(TrialLine(), first.Log);
    }

    private sealed record Leaderboard(IReadOnlyList<string> Board, IReadOnlyList<string> Workers, IReadOnlyList<string> Assemblies)
    {
        public bool LoadedOrleans => Assemblies.Any(a => a.StartsWith("Orleans", StringComparison.Ordinal));
    }

    private async Task<Leaderboard> RunNotebookAsync(string name, string clusterCell, Action<Process>? onStarted)
    {
        var boardFile = Path.Combine(_folder, name + ".board");
        var notebook = Path.Combine(_folder, name + ".dib");
        await File.WriteAllTextAsync(notebook, """
            #!meta

            {"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}

            #!csharp

            CLUSTER

            #!csharp

            #!load diamonds.csv --sample 20000 --seed 1 --as diamonds

            #!csharp

            #!train --data diamonds --label price --trainer auto --trials 13 --seed 3 --no-explain --as best

            #!csharp

            System.IO.File.WriteAllLines("BOARD", best.Leaderboard.Select(t => FormattableString.Invariant($"{t.Number}\t{t.Trainer}\t{string.Join(",", t.Hyperparameters)}\t{t.Rows}\t{t.Metric:R}\t{t.Status}\t{t.Worker}")));
            System.IO.File.WriteAllLines("BOARD.assemblies", AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? ""));
            """.Replace("CLUSTER", clusterCell, StringComparison.Ordinal).Replace("BOARD", boardFile, StringComparison.Ordinal));
        var run = Runner(["run", notebook]);
        onStarted?.Invoke(run);
        await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        var printed = await run.StandardOutput.ReadToEndAsync() + await run.StandardError.ReadToEndAsync();
        output.WriteLine(printed);
        Assert.True(run.ExitCode == 0, $"notebooks run {name} failed:\n{printed}");
        var lines = await File.ReadAllLinesAsync(boardFile);
        var assemblies = await File.ReadAllLinesAsync(boardFile + ".assemblies");
        return new Leaderboard(lines.Select(l => string.Join('\t', l.Split('\t')[..6])).ToArray(), lines.Select(l => l.Split('\t')[6]).ToArray(), assemblies);
    }

    private Worker Start(string connection)
    {
        var process = Runner(["worker", "--cluster", connection, "--slots", "1", "--address", "127.0.0.1"]);
        var worker = new Worker(process);
        _workers.Add(worker);
        return worker;
    }

    private static Process Runner(string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "notebooks.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Could not start notebooks");
    }

    private async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        foreach (var worker in _workers.Where(w => !w.Process.HasExited))
        {
            worker.Process.Kill();
        }

        if (_server is not null)
        {
            NpgsqlConnection.ClearAllPools();
            Execute($"DROP SCHEMA IF EXISTS {_schema} CASCADE").GetAwaiter().GetResult();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"trial #\d+ \S+ .* on [\d,]+ rows of \w+: [\d.]+ in [\d.]+ s")]
    private static partial System.Text.RegularExpressions.Regex TrialLine();

    /// <summary>A worker process and what it printed: its name once it joined, and each trial it finished.</summary>
    private sealed class Worker
    {
        private readonly StringBuilder _log = new();
        private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _trial = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Worker(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Line(e.Data);
            process.ErrorDataReceived += (_, e) => Line(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Name { get; private set; } = "";

        public Task Joined => _joined.Task;

        public Task FinishedTrial => _trial.Task;

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        private void Line(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_log)
            {
                _log.AppendLine(line);
            }

            if (line.Contains(" joined the cluster ", StringComparison.Ordinal))
            {
                Name = line.Split(' ')[2];
                _joined.TrySetResult();
            }
            else if (line.Contains(" trial #", StringComparison.Ordinal))
            {
                _trial.TrySetResult();
            }
        }
    }
}
