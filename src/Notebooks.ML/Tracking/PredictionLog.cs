using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Notebooks.ML.Training;

namespace Notebooks.ML.Tracking;

/// <summary>
/// Writes what a served model answers to the run store, in batches off the request path: every answered request's
/// rows (inputs and predictions) with its time, latency and model version, and every refused request (status and
/// error code, never its data). <see cref="RunStore.ReadTraffic"/> reads it back.
/// <para>
/// A request is queued before its answer is sent, and a background writer commits what is queued every
/// <see cref="FlushInterval"/> (at most <see cref="BatchSize"/> requests per commit). So a graceful stop
/// (<see cref="DisposeAsync"/> after the server stopped answering) logs every answered row; a killed process loses
/// at most the last batch: the requests answered since the last commit, about <see cref="FlushInterval"/> of traffic
/// while the store keeps up.
/// </para>
/// </summary>
public sealed class PredictionLog : IAsyncDisposable
{
    /// <summary>The most requests one commit writes.</summary>
    public const int BatchSize = 4096;

    /// <summary>How long queued requests wait to be committed together.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    // Room for a few batches while a commit runs; beyond that an answer waits (up to AppendTimeout) for the writer.
    private const int Capacity = 4 * BatchSize;
    private static readonly TimeSpan _appendTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan _retry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan _stopDeadline = TimeSpan.FromSeconds(30);

    private readonly RunStore _store;
    private readonly Channel<Entry> _queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Task _writer;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _queued;
    private long _logged;
    private long _loggedRows;
    private long _lost;
    private volatile bool _stopping;
    private DateTime _deadline = DateTime.MaxValue;

    private sealed record Entry(ServedModelVersion Model, DateTimeOffset At, double LatencyMs, int Status, string? ErrorCode, InputRows? Inputs, IReadOnlyList<ModelPrediction>? Outputs);

    private PredictionLog(RunStore store, string server)
    {
        _store = store;
        Server = server;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>
    /// Opens the log of the server named <paramref name="server"/> in the run store at <paramref name="location"/>
    /// (see <see cref="RunStore.Open"/>: a SQLite file or a PostgreSQL connection string; default the notebook's store).
    /// </summary>
    public static PredictionLog Open(string? location, string server)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(server);
        return new PredictionLog(RunStore.Open(location), server);
    }

    /// <summary>The server's name.</summary>
    public string Server { get; }

    /// <summary>Where the log is written, as <see cref="RunStore.Location"/> names it.</summary>
    public string Location => _store.Location;

    /// <summary>Requests committed to the store so far.</summary>
    public long Logged => Interlocked.Read(ref _logged);

    /// <summary>Predicted rows committed to the store so far.</summary>
    public long LoggedRows => Interlocked.Read(ref _loggedRows);

    /// <summary>Requests queued and not yet committed.</summary>
    public long Pending => Interlocked.Read(ref _queued) - Logged - Lost;

    /// <summary>Requests that could not be logged (the store failed until the stop deadline, or the queue stayed full).</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>The last error the store gave, or <see langword="null"/>.</summary>
    public string? LastError { get; private set; }

    /// <summary>
    /// Records that <paramref name="model"/> is served under this log's name and returns its version: the newest one
    /// when it is the same model (same data, trainer, settings, seed and metrics), else a new version numbered one more.
    /// </summary>
    public ServedModelVersion Register(TrainedModel model, string? modelName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var run = ModelRuns.RunOf(model) is { } recorded && ModelRuns.StoreOf(model) == _store.Location ? recorded.Id : (long?)null;
        var candidate = new ServedModelVersion(Server, 0, DateTimeOffset.UtcNow, modelName, run, model.Info.Trainer, model.Info.DataFingerprint, model.Inputs, model.Outputs);
        return _store.Guarded(() => _store.Database.RegisterServed(candidate, Key(model), model.Task.ToString().ToLowerInvariant(), model.Label));
    }

    /// <summary>
    /// Queues one request for the log: answered (<paramref name="inputs"/> and <paramref name="outputs"/> given) or
    /// refused (status and error code only). Returns at once unless the queue is full, then waits for the writer.
    /// </summary>
    public ValueTask AppendAsync(ServedModelVersion model, DateTimeOffset at, double latencyMs, int status, string? errorCode = null, InputRows? inputs = null, IReadOnlyList<ModelPrediction>? outputs = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Interlocked.Increment(ref _queued);
        var entry = new Entry(model, at, latencyMs, status, errorCode, inputs, outputs);
        return _queue.Writer.TryWrite(entry) ? ValueTask.CompletedTask : WaitToAppendAsync(entry);
    }

    private async ValueTask WaitToAppendAsync(Entry entry)
    {
        using var timeout = new CancellationTokenSource(_appendTimeout);
        try
        {
            await _queue.Writer.WriteAsync(entry, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            Interlocked.Increment(ref _lost);
        }
    }

    /// <summary>Commits everything queued before this call.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _queued);
        while (Logged + Lost < target && !_writer.IsCompleted)
        {
            _wake.TrySetResult();
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the log: commits everything queued (retrying a failing store for up to 30 seconds) and closes the store.
    /// Call it after the server has stopped answering, so that every answered row is logged.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _deadline = DateTime.UtcNow + _stopDeadline;
        _queue.Writer.TryComplete();
        _wake.TrySetResult();
        await _writer.ConfigureAwait(false);
        _store.Dispose();
    }

    private async Task WriteAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Entry>(BatchSize);
        var json = new TrafficJson();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var gathered = Stopwatch.StartNew();
            while (batch.Count < BatchSize && reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            Commit(batch, json);
            batch.Clear();
            var wait = FlushInterval - gathered.Elapsed;
            if (!_stopping && wait > TimeSpan.Zero && reader.Count < BatchSize)
            {
                // Let the next batch gather, unless a flush or the stop asks for it now.
                await Task.WhenAny(Task.Delay(wait), _wake.Task).ConfigureAwait(false);
                if (_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
    }

    private void Commit(List<Entry> batch, TrafficJson json)
    {
        var rows = batch.Select(e => new RunDatabase.TrafficRow(
            Server, e.Model.Id, e.At, e.LatencyMs, e.Status, e.ErrorCode, e.Inputs?.Count ?? 0,
            e.Inputs is null ? null : json.Inputs(e.Inputs),
            e.Outputs is null ? null : json.Outputs(e.Model.Outputs, e.Outputs))).ToList();
        while (true)
        {
            try
            {
                _store.Database.AppendTraffic(rows);
                Interlocked.Add(ref _loggedRows, rows.Sum(r => (long)r.Rows));
                Interlocked.Add(ref _logged, rows.Count);
                return;
            }
#pragma warning disable CA1031 // The log must never take the server down: a failing store is retried, then reported.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LastError = e.Message;
                if (DateTime.UtcNow >= _deadline)
                {
                    Interlocked.Add(ref _lost, rows.Count);
                    return;
                }

                Thread.Sleep(_retry);
            }
        }
    }

    /// <summary>What makes two models the same model: data, task, trainer, settings, seed and the metrics they reached.</summary>
    internal static string Key(TrainedModel model)
    {
        var identity = new
        {
            model.Label,
            Task = model.Task.ToString(),
            model.Classes,
            Features = model.Features.Select(f => $"{f.Column}:{f.Kind}"),
            model.Info.DataFingerprint,
            model.Info.Trainer,
            Hyperparameters = model.Info.Hyperparameters.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value}"),
            model.Info.Seed,
            Metrics = model.Metrics.Select(m => m.Key + "=" + m.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        };
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(identity))));
    }
}
