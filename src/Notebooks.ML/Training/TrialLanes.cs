using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.Data.Analysis;
using Microsoft.ML.Trainers.LightGbm;

namespace Notebooks.ML.Training;

/// <summary>
/// Where this machine's trials run side by side. ML.NET lets one LightGBM training run at a time in a process: its
/// wrapper holds a static lock (<c>LightGbmShared.LockForMultiThreadingInside</c>) around boosting and around pushing
/// rows into the dataset, so two trials in one process take turns for most of their time (bench/TrainBenchmark measured
/// 1.1–1.4× on 2 cores instead of 2×). So each slot beyond the first is a <em>lane</em>: an
/// <see cref="AssemblyLoadContext"/> holding its own copy of Notebooks.ML, Microsoft.ML.LightGbm (whose lock is then
/// its own) and Microsoft.ML.FastTree (whose <c>BlockingThreadPool</c> thread count is static too); the rest of ML.NET,
/// the DataFrame and the runtime are shared. A trial crosses into a lane as JSON
/// (<see cref="TrialCodec"/>, exactly as it travels to a cluster worker) with the DataFrame by reference, and its outcome
/// comes back as JSON. The first slot is the home lane: this copy, which also keeps fitted models (the first fold's,
/// the refit) that the rest of the engine uses. Lanes are created once per process, on first use, and never unloaded.
/// If a lane cannot be made (the assemblies have no file, as in a single-file app), its trials run in the home lane:
/// the same results, taking turns.
/// </summary>
internal sealed class TrialLanes
{
    private static readonly Lock _created = new();
    private static readonly List<Func<DataFrame, string, string, int, string, CancellationToken, string>?> _entries = [];

    private readonly object _gate = new();
    private readonly bool[] _busy;

    public TrialLanes(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _busy = new bool[count];
    }

    /// <summary>
    /// Waits for a free lane and holds it until the lease is disposed: the home lane when <paramref name="home"/> is
    /// set (the trial's fitted model is wanted here), otherwise the lowest-numbered free one.
    /// </summary>
    public Lease Take(bool home, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                for (var i = 0; i < (home ? 1 : _busy.Length); i++)
                {
                    if (!_busy[i])
                    {
                        _busy[i] = true;
                        return new Lease(this, i);
                    }
                }

                // Woken when a lane is returned, or after a while to look at the cancellation token again.
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(100));
            }
        }
    }

    private void Return(int index)
    {
        lock (_gate)
        {
            _busy[index] = false;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Runs <paramref name="trial"/> in lane <paramref name="index"/> (1 and up): its own copy of the trial runner
    /// prepares the run from the shared DataFrame and the options, as a cluster worker would, and fits there.
    /// </summary>
    internal static TrialOutcome RunIn(int index, DataFrame frame, TrainOptions options, TrialSpec trial, int cores, string worker, CancellationToken cancellationToken)
    {
        if (Entry(index) is not { } entry)
        {
            return TrialRunner.Run(frame, options, trial, cores, worker, cancellationToken);
        }

        Interlocked.Increment(ref _trialsRun);
        string outcome;
        try
        {
            outcome = entry(frame, TrialCodec.Encode(options), TrialCodec.Encode(trial), cores, worker, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The lane's own copy of the engine threw (its types are not this copy's): say what it said.
            throw Errors.Fail($"Trial #{trial.Number} failed: {e.Message}");
        }

        return TrialCodec.DecodeOutcome(outcome);
    }

    /// <summary>Lane <paramref name="index"/>'s entry point (<see cref="TrialRunner.RunEncoded"/> in its copy), made on first use; null when it cannot be.</summary>
    internal static Func<DataFrame, string, string, int, string, CancellationToken, string>? Entry(int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        lock (_created)
        {
            while (_entries.Count < index)
            {
                _entries.Add(Create(_entries.Count + 1));
            }

            return _entries[index - 1];
        }
    }

    private static int _trialsRun;

    /// <summary>How many trials have run in lanes beside the home lane in this process (for tests and diagnostics).</summary>
    internal static int TrialsRun => Volatile.Read(ref _trialsRun);

    /// <summary>The load contexts of the lanes made so far (for tests and diagnostics).</summary>
    internal static IReadOnlyList<AssemblyLoadContext> Contexts =>
        AssemblyLoadContext.All.OfType<LaneContext>().ToArray();

    private static Func<DataFrame, string, string, int, string, CancellationToken, string>? Create(int index)
    {
        // The engine first: the lane's entry point is in its copy of it.
        Assembly[] own = [typeof(TrialLanes).Assembly, typeof(LightGbmBinaryTrainer).Assembly, typeof(Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer).Assembly];
        if (own.Any(a => string.IsNullOrEmpty(a.Location)))
        {
            return null;
        }

        try
        {
            var copy = new LaneContext(index, own).LoadFromAssemblyPath(own[0].Location);
            return copy.GetType(typeof(TrialRunner).FullName!, throwOnError: true)
                ?.GetMethod(nameof(TrialRunner.RunEncoded), BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
                ?.CreateDelegate<Func<DataFrame, string, string, int, string, CancellationToken, string>>();
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or TypeLoadException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A lane held by one trial (or by the refit of a cross-validation).</summary>
    internal sealed class Lease(TrialLanes lanes, int index) : IDisposable
    {
        private int _disposed;

        /// <summary>0: the home lane (this copy of the engine); 1 and up: a lane with its own copy.</summary>
        public int Index { get; } = index;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lanes.Return(Index);
            }
        }
    }

    /// <summary>
    /// A lane's load context: its own Notebooks.ML, Microsoft.ML.LightGbm and Microsoft.ML.FastTree, loaded from the
    /// same files as this copy; every other assembly (ML.NET's core, Microsoft.Data.Analysis, the runtime) is the one this copy uses, so
    /// that the DataFrame, the cancellation token and the strings cross as they are. Native libraries (lib_lightgbm)
    /// are found the way this copy found them, and so are the same, already loaded libraries.
    /// </summary>
    private sealed class LaneContext(int index, Assembly[] own) : AssemblyLoadContext($"Notebooks.ML trials lane {index + 1}")
    {
        private readonly AssemblyLoadContext _home = GetLoadContext(own[0]) ?? Default;

        protected override Assembly? Load(AssemblyName assemblyName) =>
            own.FirstOrDefault(a => a.GetName().Name == assemblyName.Name) is { } mine
                ? LoadFromAssemblyPath(mine.Location)
                : _home.Assemblies.FirstOrDefault(a => a.GetName().Name == assemblyName.Name) ?? Shared(assemblyName);

        private Assembly? Shared(AssemblyName assemblyName)
        {
            try
            {
                return _home.LoadFromAssemblyName(assemblyName);
            }
            catch (IOException)
            {
                return null;
            }
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            foreach (var asker in own)
            {
                if (NativeLibrary.TryLoad(unmanagedDllName, asker, null, out var handle))
                {
                    return handle;
                }
            }

            return IntPtr.Zero;
        }
    }
}
