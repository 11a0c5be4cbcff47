using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Notebooks.ML.Data;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.Runner.Tests;

/// <summary><c>notebooks serve</c> as a real process: a saved model, a run, a graceful Ctrl+C, and a kill -9.</summary>
public sealed partial class ServeCommandTests : IDisposable
{
    private static readonly Lazy<TrainedModel> _model = new(() =>
        ModelTrainer.Train(DataLoader.Load(Repo.Data("penguins.csv")).Data, new TrainOptions { DataName = "penguins", Label = "species", Seed = 1, Explain = false }));

    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-serve-cli-").FullName;

    private string Store => Path.Combine(_folder, "runs.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Row = """{"island":"Dream","bill_length_mm":46.5,"bill_depth_mm":17.9,"flipper_length_mm":192,"body_mass_g":3500,"sex":"female","year":2007}""";

    [Fact]
    public async Task A_saved_model_is_served_until_ctrl_c_and_then_the_log_holds_every_acknowledged_row()
    {
        var path = Path.Combine(_folder, "penguins.zip");
        _model.Value.Save(path);
        using var server = await ServerProcess.StartAsync(path, "--store", Store);
        Assert.Contains("Serving 'penguins' (penguins.zip: lightgbm multiclass of 'species', version 1) at http://127.0.0.1:", server.Output, StringComparison.Ordinal);
        Assert.Contains("curl -s " + server.Url + "/predict", server.Output, StringComparison.Ordinal);

        using var client = new HttpClient();
        var acknowledged = 0;
        var body = $$"""{"dataframe_records": [{{Row}}, {{Row}}]}""";
        for (var i = 0; i < 150; i++)
        {
            using var response = await client.PostAsync(new Uri(server.Url + "/invocations"), new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            acknowledged += Bodies(await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, await server.InterruptAsync());
        Assert.Contains($"Stopped 'penguins' after 150 requests (0 refused, 300 rows); the prediction log holds 150 requests and 300 rows.", server.Output, StringComparison.Ordinal);
        using var store = RunStore.Open(Store);
        Assert.Equal(acknowledged, store.ReadTraffic("penguins").Inputs.Rows.Count);
    }

    [Fact]
    public async Task A_run_is_served_by_its_number_or_last_and_version_names_the_run()
    {
        using (var store = RunStore.Open(Store, models: Path.Combine(_folder, "models")))
        {
            store.Record(_model.Value, new RunContext { ModelVariable = "lgbm" });
        }

        foreach (var reference in new[] { "last", "1" })
        {
            using var server = await ServerProcess.StartAsync(reference, "--store", Store, "--no-log");
            Assert.Contains("Serving 'lgbm' (run #1:", server.Output, StringComparison.Ordinal);
            using var client = new HttpClient();
            var version = JsonDocument.Parse(await client.GetStringAsync(new Uri(server.Url + "/version"))).RootElement;
            Assert.Equal(1, version.GetProperty("run").GetInt64());
            Assert.Equal("lgbm", version.GetProperty("name").GetString());
            using var response = await client.PostAsync(new Uri(server.Url + "/predict"), new StringContent(Row, Encoding.UTF8, "application/json"));
            Assert.Contains("\"PredictedLabel\":\"Chinstrap\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await server.InterruptAsync());
        }
    }

    [Fact]
    public async Task A_kill_9_loses_at_most_the_last_batch_and_leaves_the_store_readable()
    {
        var path = Path.Combine(_folder, "penguins.zip");
        _model.Value.Save(path);
        using var server = await ServerProcess.StartAsync(path, "--store", Store);
        var answered = new ConcurrentQueue<DateTime>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        using var client = new HttpClient();
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.PostAsync(new Uri(server.Url + "/predict"), new StringContent(Row, Encoding.UTF8, "application/json"));
                    if (response.IsSuccessStatusCode)
                    {
                        answered.Enqueue(DateTime.UtcNow);
                    }
                }
                catch (HttpRequestException)
                {
                    return;
                }
            }
        })).ToArray();

        await Task.Delay(2500);
        var killedAt = DateTime.UtcNow;
        server.Kill();
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        // Everything answered well before the kill (the batches committed since) is there; at most the last batch is not.
        using var store = RunStore.Open(Store);
        var logged = store.ReadTraffic("penguins").Requests.Count;
        var settled = answered.Count(t => t < killedAt - TimeSpan.FromSeconds(1));
        Assert.True(settled > 10, $"only {settled} requests were answered before the kill");
        Assert.InRange(logged, settled, answered.Count + 16);
    }

    [Fact]
    public async Task Bad_references_get_a_message_and_exit_1()
    {
        var (code, _, error) = await RunnerCli.RunAsync("serve", Path.Combine(_folder, "nothing.zip"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: Could not find the file", error, StringComparison.Ordinal);

        (code, _, error) = await RunnerCli.RunAsync("serve", "seven");
        Assert.Equal(1, code);
        Assert.Equal("error: 'seven' is neither a model file (.zip) nor a run: give a saved model's path, a run number (7 or #7) or 'last'.", error.Trim());

        (code, _, error) = await RunnerCli.RunAsync("serve", "3", "--store", Store);
        Assert.Equal(1, code);
        Assert.Contains("There is no run #3", error, StringComparison.Ordinal);
    }

    private static int Bodies(string json) => JsonDocument.Parse(json).RootElement.GetProperty("predictions").GetArrayLength();

    /// <summary>The runner's <c>notebooks serve</c> in a child process.</summary>
    private sealed partial class ServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private ServerProcess(Process process) => _process = process;

        public string Url { get; private set; } = "";

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static async Task<ServerProcess> StartAsync(params string[] arguments)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "notebooks.dll"));
            info.ArgumentList.Add("serve");
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            var server = new ServerProcess(Process.Start(info)!);
            server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
            server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            var waited = Stopwatch.StartNew();
            while (!server.Output.Contains("Ctrl+C stops it.", StringComparison.Ordinal))
            {
                if (server._process.HasExited || waited.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new Xunit.Sdk.XunitException($"notebooks serve did not start: {server.Output}");
                }

                await Task.Delay(50);
            }

            server.Url = ServingAt().Match(server.Output).Groups[1].Value;
            return server;
        }

        /// <summary>Ctrl+C: SIGINT, then the exit code.</summary>
        public async Task<int> InterruptAsync()
        {
            var kill = await Processes.RunAsync("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], Path.GetTempPath());
            Assert.Equal(0, kill.ExitCode);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await _process.WaitForExitAsync(timeout.Token);
            _process.WaitForExit();
            return _process.ExitCode;
        }

        /// <summary>SIGKILL: no handler, no flush.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }

        [GeneratedRegex(@"\) at (http://\S+)")]
        private static partial Regex ServingAt();
    }
}
