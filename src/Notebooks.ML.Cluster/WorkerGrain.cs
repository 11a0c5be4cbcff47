using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Orleans.Concurrency;

namespace Notebooks.ML.Cluster;

/// <summary>Runs one trial on a frame: <see cref="TrialRunner.Run(DataFrame, TrainOptions, TrialSpec, int, string, CancellationToken)"/>'s shape.</summary>
public delegate TrialOutcome TrialFunction(DataFrame frame, TrainOptions options, TrialSpec trial, int cores, string worker, CancellationToken cancellationToken);

/// <summary>What one worker silo holds: its slots, the frames it was sent, and where it logs.</summary>
public sealed class WorkerState
{
    private const int FramesKept = 4;
    private readonly ConcurrentDictionary<string, byte[]?[]> _uploads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DataFrame Frame, long Used)> _frames = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>Creates the state of a worker with <paramref name="slots"/> slots that logs one line per trial to <paramref name="log"/>.</summary>
    /// <param name="slots">Trials run at once.</param>
    /// <param name="log">Where the trial lines go.</param>
    /// <param name="runTrial">What runs a trial: <see cref="LocalTrials.Run(DataFrame, TrainOptions, TrialSpec, int, string, CancellationToken)"/> in one of <paramref name="slots"/> lanes, or a stand-in (bench/ClusterBenchmark's trainer that only waits).</param>
    public WorkerState(int slots, TextWriter? log, TrialFunction? runTrial = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        Slots = slots;
        Log = log ?? TextWriter.Null;
        Gate = new SemaphoreSlim(slots, slots);
        // Each slot a lane of its own (LocalTrials), so that the slots' LightGBM fits do not take turns.
        RunTrial = runTrial ?? new LocalTrials(slots).Run;
    }

    /// <summary>What runs a trial on this worker.</summary>
    public TrialFunction RunTrial { get; }

    /// <summary>Trials run at once.</summary>
    public int Slots { get; }

    /// <summary>Where the trial lines go.</summary>
    public TextWriter Log { get; }

    internal SemaphoreSlim Gate { get; }

    /// <summary>Trials finished since the worker started.</summary>
    public int Finished => _finished;

    private int _finished;

    internal void CountFinished() => Interlocked.Increment(ref _finished);

    internal DataFrame? Frame(string fingerprint)
    {
        lock (_frames)
        {
            if (!_frames.TryGetValue(fingerprint, out var entry))
            {
                return null;
            }

            _frames[fingerprint] = (entry.Frame, ++_clock);
            return entry.Frame;
        }
    }

    internal void Put(string fingerprint, int chunk, int chunks, byte[] bytes)
    {
        var parts = _uploads.GetOrAdd(fingerprint, _ => new byte[]?[chunks]);
        if (parts.Length != chunks || chunk < 0 || chunk >= chunks)
        {
            _uploads.TryRemove(fingerprint, out _);
            throw new ArgumentException($"Chunk {chunk} of {chunks} does not fit the upload of {fingerprint} ({parts.Length} chunks).");
        }

        parts[chunk] = bytes;
        if (parts.Any(p => p is null) || !_uploads.TryRemove(fingerprint, out _))
        {
            return;
        }

        using var stream = new MemoryStream(parts.Sum(p => p!.Length));
        foreach (var part in parts)
        {
            stream.Write(part);
        }

        stream.Position = 0;
        var frame = ArrowFrames.Read(stream);
        lock (_frames)
        {
            _frames[fingerprint] = (frame, ++_clock);
            foreach (var old in _frames.OrderByDescending(f => f.Value.Used).Skip(FramesKept).Select(f => f.Key).ToArray())
            {
                _frames.Remove(old);
            }
        }

        WriteLine($"data {Short(fingerprint)}: {frame.Rows.Count:N0} rows × {frame.Columns.Count} columns received ({stream.Length / 1024.0 / 1024.0:0.0} MB compressed, {chunks} chunk{(chunks == 1 ? "" : "s")})");
    }

    internal void WriteLine(string line)
    {
        lock (Log)
        {
            Log.WriteLine($"{DateTime.Now:HH:mm:ss} {line}");
            Log.Flush();
        }
    }

    internal static string Short(string fingerprint)
    {
        var hash = fingerprint[(fingerprint.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return hash.Length > 10 ? hash[..10] : hash;
    }
}

/// <summary>The worker grain: one per silo, placed on it by its key; trials run on the thread pool, off Orleans' scheduler.</summary>
[Reentrant]
internal sealed class WorkerGrain(WorkerState state, ILocalSiloDetails silo, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime) : Grain, IWorkerGrain
{
    public Task<WorkerInfo> GetInfo() => Task.FromResult(new WorkerInfo(WorkerName(silo), state.Slots, silo.SiloAddress.ToParsableString(), Environment.ProcessorCount));

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<bool> HasData(string fingerprint) => Task.FromResult(state.Frame(fingerprint) is not null);

    public Task PutData(string fingerprint, int chunk, int chunks, byte[] bytes)
    {
        state.Put(fingerprint, chunk, chunks, bytes);
        return Task.CompletedTask;
    }

    public async Task<string> Run(string fingerprint, string options, string trial, CancellationToken cancellationToken)
    {
        var frame = state.Frame(fingerprint) ?? throw new KeyNotFoundException($"This worker does not hold the data {fingerprint}.");
        var spec = TrialCodec.DecodeTrial(trial);
        var trainOptions = TrialCodec.DecodeOptions(options);
        // A worker that leaves (Ctrl+C, or a test's kill) drops its trials; the notebook runs them elsewhere.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        cancellationToken = stopping.Token;
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(true);
        try
        {
            var name = WorkerName(silo);
            var cores = TrialRunner.Cores(spec, state.Slots);
            var stopwatch = Stopwatch.StartNew();
            try
            {
                var outcome = await Task.Run(() => state.RunTrial(frame, trainOptions, spec, cores, name, cancellationToken), cancellationToken).ConfigureAwait(true);
                state.CountFinished();
                var metric = double.IsNaN(outcome.Metric) ? outcome.Status : outcome.Metric.ToString("0.####", CultureInfo.InvariantCulture);
                state.WriteLine($"trial {spec.Describe()} on {outcome.Rows:N0} rows of {WorkerState.Short(fingerprint)}: {metric} in {stopwatch.Elapsed.TotalSeconds:0.0} s");
                return TrialCodec.Encode(outcome);
            }
            catch (OperationCanceledException)
            {
                state.WriteLine($"trial {spec.Describe()}: {(lifetime.ApplicationStopping.IsCancellationRequested ? "dropped, the worker is leaving" : "cancelled")} after {stopwatch.Elapsed.TotalSeconds:0.0} s");
                throw;
            }
        }
        finally
        {
            state.Gate.Release();
        }
    }

    internal static string WorkerName(ILocalSiloDetails silo) => $"{silo.DnsHostName}:{silo.SiloAddress.Endpoint.Port}";
}
