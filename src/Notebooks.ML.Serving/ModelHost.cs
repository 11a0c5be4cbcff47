using System.Diagnostics;
using Microsoft.Extensions.ObjectPool;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;
using Prometheus;

namespace Notebooks.ML.Serving;

/// <summary>
/// A model being served: the model in force (swapped atomically), its pooled scorers, the counters and the prediction
/// log. Shared by the endpoints; one per server. <see cref="ModelServer"/> hosts one in Kestrel; an exported app gets
/// one from <see cref="ModelServingExtensions.AddModelServing"/>.
/// </summary>
public sealed class ModelHost : IAsyncDisposable
{
    private readonly Lock _swapGate = new();
    private readonly Counter.Child[] _answered;
    private readonly Dictionary<string, int> _localVersions = new(StringComparer.Ordinal);
    private ServedModel _current;

    /// <summary>Serves <paramref name="model"/> with <paramref name="options"/>; opens the prediction log when <see cref="ServeOptions.Log"/> is on.</summary>
    /// <exception cref="NotebookException">The model has no inputs, or the log's store does not open.</exception>
    public ModelHost(TrainedModel model, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Clone();
        Check(model);
        Registry = Metrics.NewCustomRegistry();
        var metrics = Metrics.WithCustomRegistry(Registry);
        RequestCounter = metrics.CreateCounter("nbml_requests_total", "Prediction requests, by endpoint and HTTP status.", "endpoint", "status");
        ErrorCounter = metrics.CreateCounter("nbml_errors_total", "Refused prediction requests, by error code.", "code");
        RowCounter = metrics.CreateCounter("nbml_rows_total", "Rows predicted.");
        Latency = metrics.CreateHistogram("nbml_request_duration_seconds", "Time from a prediction request reaching its handler to its answer being ready.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 17) });
        ModelInfo = metrics.CreateGauge("nbml_model_info", "The model being served (value 1), by server name, version and trainer.", "name", "version", "trainer");
        _answered = [RequestCounter.WithLabels("invocations", "200"), RequestCounter.WithLabels("predict", "200")];
        Log = Options.Log ? PredictionLog.Open(Options.Store, Options.Name) : null;
        try
        {
            _current = Prepare(model, Options.ModelName);
        }
        catch
        {
            Log?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        Publish(_current);
    }

    /// <summary>The options in force (a copy of those given).</summary>
    public ServeOptions Options { get; }

    /// <summary>Requests, refusals, rows and latency since the server started.</summary>
    public ServerStats Stats { get; } = new();

    /// <summary>The prediction log, or <see langword="null"/> when logging is off.</summary>
    public PredictionLog? Log { get; }

    /// <summary>The model being served now.</summary>
    public TrainedModel Model => Current.Model;

    /// <summary>Where the model came from (a variable, a file, a run), when known.</summary>
    public string? ModelName => Current.ModelName;

    /// <summary>The version being served: the prediction log's version when logging, else counted by this server from 1.</summary>
    public int Version => Current.Version;

    /// <summary>When the model in force started being served.</summary>
    public DateTimeOffset ServedSince => Current.ServedAt;

    /// <summary>The Prometheus registry <c>/metrics</c> serves.</summary>
    public CollectorRegistry Registry { get; }

    internal ServedModel Current => Volatile.Read(ref _current);

    internal Counter RequestCounter { get; }

    internal Counter ErrorCounter { get; }

    internal Counter RowCounter { get; }

    internal Histogram Latency { get; }

    internal Gauge ModelInfo { get; }

    /// <summary>
    /// Serves <paramref name="model"/> instead of the current one. The new model is loaded and warmed first, then
    /// swapped in with one atomic exchange: a request uses the model it started with from start to end, so none fails
    /// or sees a half-loaded model.
    /// </summary>
    public void Swap(TrainedModel model, string? modelName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Check(model);
        lock (_swapGate)
        {
            var next = Prepare(model, modelName);
            var previous = Interlocked.Exchange(ref _current, next);
            ModelInfo.WithLabels(Options.Name, previous.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), previous.Model.Info.Trainer).Set(0);
            Publish(next);
        }
    }

    /// <summary>Writes everything still queued to the prediction log and closes it. Call after the server stopped answering.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Log is not null)
        {
            await Log.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Counts an answered request and queues it for the log (before its answer is sent: acknowledged rows are logged rows).</summary>
    internal ValueTask AnsweredAsync(long start, ServedModel served, bool predict, InputRows rows, ModelPrediction[] predictions)
    {
        var elapsed = Stopwatch.GetElapsedTime(start);
        Stats.Record(start, rows.Count, error: false);
        _answered[predict ? 1 : 0].Inc();
        RowCounter.Inc(rows.Count);
        Latency.Observe(elapsed.TotalSeconds);
        return Log?.AppendAsync(served.LogVersion!, DateTimeOffset.UtcNow, elapsed.TotalMilliseconds, 200, null, rows, predictions) ?? ValueTask.CompletedTask;
    }

    /// <summary>Counts a refused request and queues it for the log, without its data.</summary>
    internal ValueTask RefusedAsync(long start, ServedModel served, string endpoint, int status, string code)
    {
        var elapsed = Stopwatch.GetElapsedTime(start);
        Stats.Record(start, 0, error: true);
        RequestCounter.WithLabels(endpoint, status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        ErrorCounter.WithLabels(code).Inc();
        Latency.Observe(elapsed.TotalSeconds);
        return Log?.AppendAsync(served.LogVersion!, DateTimeOffset.UtcNow, elapsed.TotalMilliseconds, status, code) ?? ValueTask.CompletedTask;
    }

    private ServedModel Prepare(TrainedModel model, string? modelName)
    {
        var logVersion = Log?.Register(model, modelName);
        var version = logVersion?.Version ?? NextLocalVersion(model);
        var served = new ServedModel(model, modelName, version, logVersion, Options);
        served.Warm();
        return served;
    }

    private int NextLocalVersion(TrainedModel model)
    {
        // Without a log, versions count here: a model served before keeps its number.
        var key = PredictionLog.ModelKey(model);
        if (!_localVersions.TryGetValue(key, out var version))
        {
            version = _localVersions.Count + 1;
            _localVersions[key] = version;
        }

        return version;
    }

    private void Publish(ServedModel served) =>
        ModelInfo.WithLabels(Options.Name, served.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), served.Model.Info.Trainer).Set(1);

    private static void Check(TrainedModel model)
    {
        if (model.Inputs.Count == 0)
        {
            throw new NotebookException("This model has no input columns to serve.");
        }
    }
}

/// <summary>One model as served: its scorers (pooled: a scorer is not thread-safe), request reader and documents.</summary>
internal sealed class ServedModel
{
    private readonly Lazy<byte[]> _openApi;

    public ServedModel(TrainedModel model, string? modelName, int version, ServedModelVersion? logVersion, ServeOptions options)
    {
        Model = model;
        ModelName = modelName;
        Version = version;
        LogVersion = logVersion;
        Reader = new RequestReader(model.Inputs, options.MaxRows);
        Pool = new DefaultObjectPoolProvider { MaximumRetained = Math.Max(4, Environment.ProcessorCount * 4) }.Create(new ScorerPolicy(model));
        var name = options.Name;
        _openApi = new(() => OpenApiDocument.Write(model, name, version, options));
        VersionJson = ServiceDocuments.Version(model, name, modelName, version);
    }

    public TrainedModel Model { get; }

    public string? ModelName { get; }

    public int Version { get; }

    public ServedModelVersion? LogVersion { get; }

    public DateTimeOffset ServedAt { get; } = DateTimeOffset.UtcNow;

    public RequestReader Reader { get; }

    public ObjectPool<ModelScorer> Pool { get; }

    public byte[] OpenApi => _openApi.Value;

    public byte[] VersionJson { get; }

    /// <summary>Builds a few scorers and runs one prediction before the swap, so that the first requests are not slow.</summary>
    public void Warm()
    {
        var scorers = Enumerable.Range(0, Math.Min(4, Environment.ProcessorCount)).Select(_ => Pool.Get()).ToList();
        var example = ExampleRows.Of(Model);
        foreach (var scorer in scorers)
        {
            scorer.Predict(example, 0);
            Pool.Return(scorer);
        }

        _ = OpenApi;
    }

    public ModelPrediction[] Predict(InputRows rows)
    {
        var scorer = Pool.Get();
        try
        {
            return scorer.Predict(rows);
        }
        finally
        {
            Pool.Return(scorer);
        }
    }

    private sealed class ScorerPolicy(TrainedModel model) : PooledObjectPolicy<ModelScorer>
    {
        public override ModelScorer Create() => model.CreateScorer();

        public override bool Return(ModelScorer obj) => true;
    }
}
