using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Notebooks.ML.Cluster;

/// <summary>What <c>notebooks worker</c> was asked for.</summary>
public sealed class WorkerOptions
{
    /// <summary><c>localhost</c> or a PostgreSQL connection string.</summary>
    public string Cluster { get; init; } = "localhost";

    /// <summary>Trials run at once (default: the machine's cores).</summary>
    public int? Slots { get; init; }

    /// <summary>The silo port (default: a free one; 11111 for the first <c>localhost</c> worker).</summary>
    public int? Port { get; init; }

    /// <summary>The gateway port notebooks connect to (default: a free one; 30000 for the first <c>localhost</c> worker).</summary>
    public int? GatewayPort { get; init; }

    /// <summary>The address other machines reach this worker at (default: this machine's first IPv4 address that is not loopback, else loopback).</summary>
    public string? Address { get; init; }
}

/// <summary><c>notebooks worker</c>: an Orleans silo that runs trials until it is stopped (Ctrl+C or SIGTERM leave the cluster gracefully).</summary>
public static class TrialWorkerHost
{
    /// <summary>Adds the worker grain and its state to a silo (the worker command, and tests' silos).</summary>
    public static ISiloBuilder AddTrialWorker(this ISiloBuilder silo, int slots, TextWriter? log, TrialFunction? runTrial = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton(new WorkerState(slots, log, runTrial));
        silo.Configure<SiloMessagingOptions>(o => o.MaxRequestProcessingTime = TimeSpan.FromDays(1));
        silo.Configure<ClusterMembershipOptions>(Membership);
        return silo;
    }

    /// <summary>Fast failure detection: a worker that dies is declared dead within seconds, so its trials move on.</summary>
    internal static void Membership(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 2;
        options.NumProbedSilos = 2;
        options.NumVotesForDeathDeclaration = 1;
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
    }

    /// <summary>Runs a worker until <paramref name="cancellationToken"/> fires, writing its start, one line per trial and its end to <paramref name="log"/>.</summary>
    public static async Task RunAsync(WorkerOptions options, TextWriter log, CancellationToken cancellationToken, TrialFunction? runTrial = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var connection = ClusterConnection.Parse(options.Cluster);
        var slots = options.Slots ?? Environment.ProcessorCount;
        if (slots < 1)
        {
            throw new NotebookException($"--slots {slots}: a worker needs at least one slot.");
        }

        await connection.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var primary = connection.IsLocalhost && options.Port is null && IsFree(ClusterConnection.LocalhostSiloPort) && IsFree(ClusterConnection.LocalhostGatewayPort);
        var siloPort = options.Port ?? (primary ? ClusterConnection.LocalhostSiloPort : FreePort());
        var gatewayPort = options.GatewayPort ?? (primary ? ClusterConnection.LocalhostGatewayPort : FreePort());
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Orleans' own warnings (ServerGC advice, probe misses while a peer dies) would drown the one line per trial.
        // Connection retries to a peer that died are expected here (the cluster recovers); they are not the user's business.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Orleans", LogLevel.Error).AddFilter("Orleans.Messaging", LogLevel.Critical).AddFilter("Polly", LogLevel.None);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterConnection.ClusterId, ClusterConnection.ClusterId));
            if (connection.Postgres is { } postgres)
            {
                silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", postgres));
                silo.ConfigureEndpoints(Advertised(options.Address), siloPort, gatewayPort, listenOnAnyHostAddress: true);
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, primary ? null : new IPEndPoint(IPAddress.Loopback, ClusterConnection.LocalhostSiloPort));
            }

            silo.AddTrialWorker(slots, log, runTrial);
        });

        using var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var details = host.Services.GetRequiredService<ILocalSiloDetails>();
        var state = host.Services.GetRequiredService<WorkerState>();
        state.WriteLine($"worker {WorkerGrain.WorkerName(details)} joined the cluster {connection.Display}{(connection.IsLocalhost ? primary ? " as its primary" : $" (primary at 127.0.0.1:{ClusterConnection.LocalhostSiloPort})" : "")}: {slots} slot{(slots == 1 ? "" : "s")}, gateway port {gatewayPort}. Ctrl+C leaves.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        state.WriteLine($"worker {WorkerGrain.WorkerName(details)} is leaving the cluster after {state.Finished} trial{(state.Finished == 1 ? "" : "s")}");
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        state.WriteLine("left");
    }

    private static IPAddress Advertised(string? address)
    {
        if (address is not null)
        {
            return IPAddress.TryParse(address, out var parsed) ? parsed : throw new NotebookException($"--address '{address}' is not an IP address, such as 10.0.0.5.");
        }

        return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
