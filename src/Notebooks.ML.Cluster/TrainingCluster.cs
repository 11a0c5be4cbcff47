using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Orleans.Configuration;
using Orleans.Runtime.Placement;

namespace Notebooks.ML.Cluster;

/// <summary>
/// A notebook's connection to a cluster of <c>notebooks worker</c>s (<c>#!cluster</c>): a <see cref="TrialScheduler"/>
/// whose workers are the cluster's silos. Give it as <see cref="TrainOptions.Scheduler"/> and a search's trials and a
/// cross-validation's folds run there; the data goes to each worker once, as compressed Arrow IPC in chunks.
/// </summary>
public sealed class TrainingCluster : TrialScheduler, IAsyncDisposable
{
    /// <summary>The size of one chunk of data sent to a worker (well under Orleans' message size limit).</summary>
    public const int ChunkBytes = 1 << 20;

    private static readonly TimeSpan _refresh = TimeSpan.FromSeconds(1);
    private readonly IHost? _host;
    private readonly IClusterClient _client;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly ConcurrentDictionary<SiloAddress, WorkerInfo> _known = new();
    private readonly ConcurrentDictionary<(SiloAddress, string), Lazy<Task>> _sent = new();
    private readonly ConditionalWeakTable<TrialJob, Lazy<(string Options, byte[][] Chunks)>> _jobs = [];
    private IReadOnlyList<RemoteWorker> _workers = [];
    private DateTime _refreshedAt = DateTime.MinValue;

    private TrainingCluster(IHost? host, IClusterClient client, string display)
    {
        _host = host;
        _client = client;
        Display = display;
    }

    /// <summary>The cluster's connection, without password.</summary>
    public string Display { get; }

    /// <summary>The workers at the last refresh.</summary>
    public IReadOnlyList<WorkerInfo> Workers => _workers.Select(w => w.Info).ToArray();

    /// <inheritdoc/>
    public override TimeSpan NoWorkersTimeout => TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public override string NoWorkersMessage =>
        $"The cluster {Display} has no workers to run the trials. Start one with: notebooks worker --cluster \"{Display}\", or go back to this machine with #!cluster off.";

    /// <summary>
    /// Connects to the cluster at <paramref name="connection"/> (<c>localhost</c> or a PostgreSQL connection string) as an
    /// Orleans client, and lists its workers. Fails with a message within seconds when no worker runs there.
    /// </summary>
    public static async Task<TrainingCluster> ConnectAsync(string connection, CancellationToken cancellationToken = default)
    {
        var target = ClusterConnection.Parse(connection);
        await target.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        if (await target.ActiveWorkersAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new NotebookException($"Could not connect to the cluster {target.Display}: no worker answered (none is running). Start one with: notebooks worker --cluster \"{target.Display}\"");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.None);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterConnection.ClusterId, ClusterConnection.ClusterId));
            if (target.Postgres is { } postgres)
            {
                client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", postgres));
            }
            else
            {
                client.UseLocalhostClustering(ClusterConnection.LocalhostGatewayPort);
            }

            Configure(client);
        });
        var host = builder.Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            await host.StartAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new NotebookException($"Could not connect to the cluster {target.Display}: no worker answered ({e.Message.Split('\n')[0]}). Start one with: notebooks worker --cluster \"{target.Display}\"", e);
        }

        var cluster = new TrainingCluster(host, host.Services.GetRequiredService<IClusterClient>(), target.Display);
        await cluster.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return cluster;
    }

    /// <summary>A cluster reached through a client that is already connected (tests' in-process clusters).</summary>
    public static TrainingCluster FromClient(IClusterClient client, string display)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new TrainingCluster(null, client, display);
    }

    /// <summary>Client settings a notebook needs: long trials, and fresh gateway lists as workers come and go.</summary>
    public static void Configure(IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromHours(12));
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
    }

    /// <summary>Asks the cluster which workers are alive now.</summary>
    public async Task<IReadOnlyList<WorkerInfo>> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Dictionary<SiloAddress, SiloStatus> hosts;
            try
            {
                hosts = await _client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                hosts = [];
            }

            var workers = new List<RemoteWorker>();
            foreach (var silo in hosts.Keys.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal))
            {
                if (!_known.TryGetValue(silo, out var info))
                {
                    try
                    {
                        info = await Grain(silo).GetInfo().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                        if (info.Silo != silo.ToParsableString())
                        {
                            // A silo that just joined is not yet known to every other silo, so the grain was placed
                            // elsewhere: let it go, and place it again at the next refresh.
                            await Grain(silo).Deactivate().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        _known[silo] = info;
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        continue;
                    }
                }

                workers.Add(new RemoteWorker(this, silo, info));
            }

            _workers = workers;
            _refreshedAt = DateTime.UtcNow;
            return Workers;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<IReadOnlyList<ITrialWorker>> WorkersAsync(CancellationToken cancellationToken)
    {
        if (DateTime.UtcNow - _refreshedAt >= _refresh)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        return _workers;
    }

    /// <inheritdoc/>
    public override string Describe() =>
        $"cluster {Display}: {_workers.Count} worker{(_workers.Count == 1 ? "" : "s")}, {_workers.Sum(w => w.Slots)} slots";

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            try
            {
                await _host.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token).ConfigureAwait(false);
            }
            finally
            {
                _host.Dispose();
            }
        }

        _refreshing.Dispose();
    }

    private IWorkerGrain Grain(SiloAddress silo)
    {
        // The grain is keyed by its silo and placed there by the placement hint on its first call.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        return _client.GetGrain<IWorkerGrain>(silo.ToParsableString());
    }

    private bool IsActive(SiloAddress silo) => _workers.Any(w => w.Silo.Equals(silo));

    private (string Options, byte[][] Chunks) Encoded(TrialJob job) =>
        _jobs.GetValue(job, j => new Lazy<(string, byte[][])>(() =>
        {
            var bytes = ArrowFrames.ToBytes(j.Frame);
            var chunks = Enumerable.Range(0, Math.Max(1, (bytes.Length + ChunkBytes - 1) / ChunkBytes))
                .Select(i => bytes.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, bytes.Length - (i * ChunkBytes))).ToArray())
                .ToArray();
            return (TrialCodec.Encode(j.Options), chunks);
        })).Value;

    /// <summary>Sends the job's data to a worker once (per fingerprint), unless the worker already holds it.</summary>
    private Task SendDataAsync(SiloAddress silo, TrialJob job, bool again)
    {
        var key = (silo, job.DataFingerprint);
        if (again)
        {
            _sent.TryRemove(key, out _);
        }

        var send = _sent.GetOrAdd(key, _ => new Lazy<Task>(async () =>
        {
            var grain = Grain(silo);
            if (await grain.HasData(job.DataFingerprint).ConfigureAwait(false))
            {
                return;
            }

            var chunks = Encoded(job).Chunks;
            for (var i = 0; i < chunks.Length; i++)
            {
                await grain.PutData(job.DataFingerprint, i, chunks.Length, chunks[i]).ConfigureAwait(false);
            }
        })).Value;
        if (send.IsFaulted)
        {
            _sent.TryRemove(key, out _);
        }

        return send;
    }

    private sealed class RemoteWorker(TrainingCluster cluster, SiloAddress silo, WorkerInfo info) : ITrialWorker
    {
        public WorkerInfo Info => info;

        public SiloAddress Silo => silo;

        public string Name => info.Name;

        public int Slots => info.Slots;

        /// <summary>
        /// Waits for a call to this worker while watching the membership: a worker that dies mid-call (SIGKILL, machine
        /// gone) never answers, and Orleans' response timeout is hours long for the sake of long trials. Returns once the
        /// call has completed; its result (or exception) is the caller's to take.
        /// </summary>
        private async Task WhileActiveAsync(Task call, CancellationToken cancellationToken)
        {
            while (await Task.WhenAny(call, Task.Delay(_refresh, cancellationToken)).ConfigureAwait(false) != call)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!cluster.IsActive(silo))
                {
                    throw new TrialWorkerLostException($"{Name} left the cluster");
                }
            }
        }

        public async Task<TrialOutcome> RunAsync(TrialJob job, TrialSpec trial, CancellationToken cancellationToken)
        {
            try
            {
                for (var attempt = 0; ; attempt++)
                {
                    var send = cluster.SendDataAsync(silo, job, again: attempt > 0);
                    await WhileActiveAsync(send, cancellationToken).ConfigureAwait(false);
                    await send.ConfigureAwait(false);
                    var call = cluster.Grain(silo).Run(job.DataFingerprint, cluster.Encoded(job).Options, TrialCodec.Encode(trial), cancellationToken);
                    await WhileActiveAsync(call, cancellationToken).ConfigureAwait(false);

                    try
                    {
                        return TrialCodec.DecodeOutcome(await call.ConfigureAwait(false));
                    }
                    catch (KeyNotFoundException) when (attempt == 0)
                    {
                        // The worker dropped the data (it keeps a few frames): send it again, once.
                    }
                }
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TrialWorkerLostException($"{Name} dropped the trial: it is leaving the cluster", e);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or OrleansException)
            {
                throw new TrialWorkerLostException($"{Name} did not answer: {e.Message.Split('\n')[0]}", e);
            }
        }
    }
}
