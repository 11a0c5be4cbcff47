using System.CommandLine;
using Notebooks.ML;
using Notebooks.ML.Cluster;

namespace Notebooks.Runner;

/// <summary><c>notebooks worker --cluster CONNECTION [--slots N]</c>: an Orleans silo that runs notebooks' trials until Ctrl+C or SIGTERM.</summary>
internal static class WorkerCommand
{
    /// <summary>How long Ctrl+C waits for the worker to leave its cluster before the process ends anyway.</summary>
    public static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(30);

    public static Command Create(TextWriter output, TextWriter error)
    {
        var cluster = new Option<string>("--cluster", "-c")
        {
            Description = "The cluster to join: a PostgreSQL connection string (membership in that database; the tables are created when missing) or localhost (one machine).",
            Required = true,
        };
        var slots = new Option<int?>("--slots") { Description = "Trials to run at once (default: the machine's cores). Each trial trains on one thread." };
        var port = new Option<int?>("--port") { Description = "The silo port (default: a free one; 11111 for the first localhost worker)." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "The gateway port notebooks connect to (default: a free one; 30000 for the first localhost worker)." };
        var address = new Option<string?>("--address") { Description = "The IP address other machines reach this worker at (default: this machine's first non-loopback IPv4 address)." };
        var command = new Command("worker", "Join a cluster as a worker that runs the trials of searches and cross-validations that notebooks send with #!cluster. One line per trial; Ctrl+C leaves the cluster.")
        {
            cluster, slots, port, gatewayPort, address,
        };
        command.SetAction((parsed, cancellationToken) => Cli.Guard(error, async () =>
        {
            var options = new WorkerOptions
            {
                Cluster = parsed.GetRequiredValue(cluster),
                Slots = parsed.GetValue(slots),
                Port = parsed.GetValue(port),
                GatewayPort = parsed.GetValue(gatewayPort),
                Address = parsed.GetValue(address),
            };
            try
            {
                await TrialWorkerHost.RunAsync(options, output, cancellationToken).ConfigureAwait(false);
            }
            catch (NotebookException e)
            {
                throw new RunnerException(e.Message);
            }

            return Cli.Success;
        }));
        return command;
    }
}
