using System.CommandLine;
using System.Globalization;
using Notebooks.ML;
using Notebooks.ML.Serving;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;

namespace Notebooks.Runner;

/// <summary>
/// <c>notebooks serve MODEL.zip|RUN</c>: the serving API of <c>#!serve</c>, from the shell, for a saved model or a run
/// of the experiment log (like <c>mlflow models serve -m runs:/…</c>). Ctrl+C (or SIGTERM) stops it gracefully.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Argument<string>("model") { Description = "A model saved with model.Save (a .zip), or a run of the experiment log: its number (7 or #7) or 'last'." };
        var store = new Option<string?>("--store") { Description = $"The run store: a SQLite file or folder, or a PostgreSQL connection string (default: ${RunStore.LocationVariable}, else {RunStore.DefaultFileName} here). Runs are read from it and the prediction log is written to it." };
        var port = new Option<int?>("--port") { Description = "The port to listen on (default: a free one)." };
        var host = new Option<string?>("--host") { Description = "The address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every interface)." };
        var apiKey = new Option<string?>("--api-key") { Description = $"A key every endpoint but /ping and /health requires (default: ${ServeOptions.ApiKeyVariable}, else none)." };
        var name = new Option<string?>("--name") { Description = "The server's name, in /version and the prediction log (default: the run's model variable, or the file's name)." };
        var noLog = new Option<bool>("--no-log") { Description = "Do not write answered requests to the prediction log." };
        var command = new Command("serve", "Serve a saved model or a run over HTTP: POST /invocations (MLflow scoring protocol), POST /predict, /ping, /health, /version, /openapi/v1.json, /metrics.")
        {
            model, store, port, host, apiKey, name, noLog,
        };
        command.SetAction((parsed, cancellationToken) => Cli.Guard(error, () => ServeAsync(
            parsed.GetRequiredValue(model),
            new ServeOptions
            {
                Store = parsed.GetValue(store),
                Port = parsed.GetValue(port) ?? 0,
                Host = parsed.GetValue(host) ?? "127.0.0.1",
                ApiKey = parsed.GetValue(apiKey),
                Name = parsed.GetValue(name) ?? "",
                Log = !parsed.GetValue(noLog),
            },
            output,
            cancellationToken)));
        return command;
    }

    private static async Task<int> ServeAsync(string reference, ServeOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        if (options.Port is < 0 or > 65535)
        {
            throw new RunnerException($"--port must be from 1 to 65535, got {options.Port}.");
        }

        var (model, modelName, defaultName) = Load(reference, options.Store);
        options.ModelName = modelName;
        if (options.Name.Length == 0)
        {
            options.Name = defaultName;
        }

        ModelServer server;
        try
        {
            server = await ModelServer.StartAsync(model, options, cancellationToken).ConfigureAwait(false);
        }
        catch (NotebookException e)
        {
            throw new RunnerException(e.Message);
        }

        var keyed = server.Host.Options.EffectiveApiKey is not null;
        await output.WriteLineAsync($"Serving '{server.Name}' ({modelName}: {model.Info.Trainer} {model.Task.ToString().ToLowerInvariant()} of '{model.Label}', version {server.Host.Version}) at {server.Url}").ConfigureAwait(false);
        if (server.Exposed)
        {
            await output.WriteLineAsync($"Warning: listening on {options.Host}: anyone who can reach this machine can call it{(keyed ? " with the API key" : ", and there is no API key (--api-key)")}.").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"  POST {server.Url}/invocations   POST {server.Url}/predict   GET {server.Url}/openapi/v1.json  /ping  /health  /version  /metrics").ConfigureAwait(false);
        await output.WriteLineAsync(server.Host.Log is { } log ? $"  prediction log: {log.Location}" : "  no prediction log").ConfigureAwait(false);
        await output.WriteLineAsync($"Try it{(keyed ? $" (with {ServeOptions.ApiKeyVariable} set)" : "")}:\n  {ExampleRows.Curl(model, server.Url, keyed)}").ConfigureAwait(false);
        await output.WriteLineAsync("Ctrl+C stops it.").ConfigureAwait(false);
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: stop gracefully below.
        }

        await server.StopAsync().ConfigureAwait(false);
        var stats = server.Host.Stats;
        var written = server.Host.Log is { } done ? $"; the prediction log holds {done.Logged:N0} requests and {done.LoggedRows:N0} rows{(done.Lost > 0 ? $" ({done.Lost:N0} could not be written: {done.LastError})" : "")}" : "";
        await output.WriteLineAsync($"Stopped '{server.Name}' after {stats.Requests:N0} requests ({stats.Errors:N0} refused, {stats.Rows:N0} rows){written}.").ConfigureAwait(false);
        return Cli.Success;
    }

    /// <summary>The model a reference names: a saved zip, or a run's model in the store.</summary>
    private static (TrainedModel Model, string ModelName, string DefaultName) Load(string reference, string? location)
    {
        try
        {
            if (File.Exists(reference) || reference.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                return (TrainedModel.Load(reference), Path.GetFileName(reference), Path.GetFileNameWithoutExtension(reference));
            }

            var text = reference.Trim().TrimStart('#');
            if (!text.Equals("last", StringComparison.OrdinalIgnoreCase) && !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new RunnerException($"'{reference}' is neither a model file (.zip) nor a run: give a saved model's path, a run number (7 or #7) or 'last'.");
            }

            using var store = RunStore.Open(location);
            var run = store.Show(reference);
            if (run.ModelPath is null || !File.Exists(run.ModelPath))
            {
                throw new RunnerException($"Run {run.Name} in '{store.Location}' has no saved model{(run.ModelPath is null ? "" : $" (its file '{run.ModelPath}' is gone)")}.");
            }

            var model = TrainedModel.Load(run.ModelPath);
            ModelRuns.Attach(model, run, store.Location);
            return (model, $"run {run.Name}", run.ModelVariable is { Length: > 0 } variable ? variable : $"run{run.Id}");
        }
        catch (NotebookException e)
        {
            throw new RunnerException(e.Message);
        }
    }
}
