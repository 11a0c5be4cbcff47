using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Notebooks.ML.Training;

namespace Notebooks.ML.Tracking;

/// <summary>
/// Writes what a served model answers to the run store, in batches off the request path: every answered request's
/// rows (inputs and predictions) with its time, latency and model version, and every refused request (status and
/// error code, never its data). <see cref="RunStore.ReadTraffic"/> reads it back.
/// <para>
/// A request is encoded on the thread that answered it, then copied into the segment being built under a short lock,
/// before its answer is sent, so nothing of it stays alive for the garbage collector to carry; a background writer commits the
/// segments built so far every <see cref="FlushInterval"/>, in one transaction. So a graceful stop
/// (<see cref="DisposeAsync"/> after the server stopped answering) logs every answered row, and a killed process
/// loses at most the last batch: the requests answered since the last commit, one <see cref="FlushInterval"/> of
/// traffic while the store keeps up.
/// </para>
/// </summary>
public sealed class PredictionLog : IAsyncDisposable
{
    /// <summary>How often the writer commits what was answered since its last commit.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    // A segment is sealed at about 32 KB, so that its text stays a short-lived small object (not on the large object heap).
    private const long SegmentBytes = 32 * 1024;

    // Beyond this much unwritten log (the store is slow or down), an answer waits up to AppendTimeout for the writer.
    private const long MaxPendingBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan _appendTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan _retry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan _stopDeadline = TimeSpan.FromSeconds(30);

    private readonly RunStore _store;
    private readonly Lock _gate = new();
    private readonly Queue<TrafficSegment> _sealed = new();
    private readonly Stack<TrafficSegment> _free = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Task _writer;
    private TrafficSegment _current = new();

    [ThreadStatic]
    private static TrafficJson? _encoder;
    private long _queued;
    private long _logged;
    private long _loggedRows;
    private long _lost;
    private long _pendingBytes;
    private volatile bool _stopping;
    private DateTime _deadline = DateTime.MaxValue;

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
    /// Records that <paramref name="model"/> is served under this log's name and returns its version: the one it had
    /// when it was served under this name before (the same data, trainer, settings, seed and metrics: see
    /// <see cref="ModelKey"/>), else a new version numbered one more than the newest.
    /// </summary>
    public ServedModelVersion Register(TrainedModel model, string? modelName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var run = ModelRuns.RunOf(model) is { } recorded && ModelRuns.StoreOf(model) == _store.Location ? recorded.Id : (long?)null;
        var candidate = new ServedModelVersion(Server, 0, DateTimeOffset.UtcNow, modelName, run, model.Info.Trainer, model.Info.DataFingerprint, model.Inputs, model.Outputs);
        return _store.Guarded(() => _store.Database.RegisterServed(candidate, ModelKey(model), model.Task.ToString().ToLowerInvariant(), model.Label));
    }

    /// <summary>
    /// Adds one request to the log: answered (<paramref name="inputs"/> and <paramref name="outputs"/> given) or
    /// refused (status and error code only). Returns at once unless the writer has fallen far behind (the store is
    /// slow or down); then it waits for it, up to five seconds, and counts the request as <see cref="Lost"/>.
    /// </summary>
    public ValueTask AppendAsync(ServedModelVersion model, DateTimeOffset at, double latencyMs, int status, string? errorCode = null, InputRows? inputs = null, IReadOnlyList<ModelPrediction>? outputs = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Interlocked.Increment(ref _queued);
        if (Interlocked.Read(ref _pendingBytes) > MaxPendingBytes || _stopping)
        {
            return WaitToAppendAsync(model, at, latencyMs, status, errorCode, inputs, outputs);
        }

        Append(model, at, latencyMs, status, errorCode, inputs, outputs);
        return ValueTask.CompletedTask;
    }

    private void Append(ServedModelVersion model, DateTimeOffset at, double latencyMs, int status, string? errorCode, InputRows? inputs, IReadOnlyList<ModelPrediction>? outputs)
    {
        // Encoded on this thread, outside the lock; under it, only a copy of the bytes.
        var encoder = _encoder ??= new TrafficJson();
        encoder.Encode(model, at, latencyMs, status, errorCode, inputs, outputs);
        lock (_gate)
        {
            var before = _current.Bytes;
            _current.Add(encoder, at, inputs?.Count ?? 0, inputs is null);
            Interlocked.Add(ref _pendingBytes, _current.Bytes - before);
            if (_current.Bytes >= SegmentBytes)
            {
                _sealed.Enqueue(_current);
                _current = _free.Count > 0 ? _free.Pop() : new TrafficSegment();
            }
        }
    }

    private async ValueTask WaitToAppendAsync(ServedModelVersion model, DateTimeOffset at, double latencyMs, int status, string? errorCode, InputRows? inputs, IReadOnlyList<ModelPrediction>? outputs)
    {
        var waited = Stopwatch.StartNew();
        while (!_stopping && Interlocked.Read(ref _pendingBytes) > MaxPendingBytes && waited.Elapsed < _appendTimeout)
        {
            await Task.Delay(FlushInterval).ConfigureAwait(false);
        }

        if (_stopping || Interlocked.Read(ref _pendingBytes) > MaxPendingBytes)
        {
            Interlocked.Increment(ref _lost);
            return;
        }

        Append(model, at, latencyMs, status, errorCode, inputs, outputs);
    }

    /// <summary>Commits everything added before this call.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _queued);
        while (Logged + Lost < target && !_writer.IsCompleted)
        {
            _wake.Release();
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the log: commits everything added (retrying a failing store for up to 30 seconds) and closes the store.
    /// Call it after the server has stopped answering, so that every answered row is logged.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _deadline = DateTime.UtcNow + _stopDeadline;
        _stopping = true;
        _wake.Release();
        await _writer.ConfigureAwait(false);
        _store.Dispose();
        _wake.Dispose();
    }

    private async Task WriteAsync()
    {
        while (true)
        {
            var stopping = _stopping;
            if (!stopping)
            {
                await _wake.WaitAsync(FlushInterval).ConfigureAwait(false);
            }

            List<TrafficSegment> batch;
            lock (_gate)
            {
                if (_current.Requests > 0)
                {
                    _sealed.Enqueue(_current);
                    _current = _free.Count > 0 ? _free.Pop() : new TrafficSegment();
                }

                batch = [.. _sealed];
                _sealed.Clear();
            }

            if (batch.Count > 0)
            {
                var bytes = batch.Sum(b => b.Bytes);
                var segments = batch.Select(b => b.Seal(Server)!).ToList();
                lock (_gate)
                {
                    foreach (var builder in batch)
                    {
                        _free.Push(builder);
                    }
                }

                Commit(segments);
                Interlocked.Add(ref _pendingBytes, -bytes);
            }

            if (stopping)
            {
                return;
            }
        }
    }

    private void Commit(List<RunDatabase.Segment> segments)
    {
        while (true)
        {
            try
            {
                _store.Database.AppendSegments(segments);
                Interlocked.Add(ref _loggedRows, segments.Sum(s => (long)s.Rows));
                Interlocked.Add(ref _logged, segments.Sum(s => (long)s.Requests));
                return;
            }
#pragma warning disable CA1031 // The log must never take the server down: a failing store is retried, then reported.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LastError = e.Message;
                if (DateTime.UtcNow >= _deadline)
                {
                    Interlocked.Add(ref _lost, segments.Sum(s => (long)s.Requests));
                    return;
                }

                Thread.Sleep(_retry);
            }
        }
    }

    /// <summary>
    /// What makes two models the same model, as a fingerprint: data, task, features, trainer, settings, seed and the
    /// metrics they reached (training is deterministic, so these decide the model).
    /// </summary>
    public static string ModelKey(TrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
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
