using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Notebooks.ML.Cluster;
using Notebooks.ML.Display;
using Notebooks.ML.Training;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!cluster</c> sends.</summary>
public sealed class UseCluster : MagicCommand
{
    /// <summary><c>localhost</c>, a PostgreSQL connection string, or <c>off</c>.</summary>
    public string? Connection { get; set; }
}

/// <summary>
/// <c>#!cluster CONNECTION</c>: later searches and cross-validations run their trials on the cluster's workers;
/// <c>#!cluster off</c> goes back to this machine. Orleans loads only here: the methods that touch
/// Notebooks.ML.Cluster are kept apart so that loading the extension does not load it.
/// </summary>
internal static class ClusterMagic
{
    public const string Usage = "#!cluster CONNECTION | off";

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!cluster")
        {
            Description = "Sends the trials of later searches (#!train --trainer auto) and the folds of cross-validations (--folds K) to a cluster of `notebooks worker`s, and lists its workers; the result is the same as on this machine. Without a value, shows the cluster in use.",
            Parameters =
            [
                new KernelDirectiveParameter("--connection", "localhost (workers on this machine), a PostgreSQL connection string where the workers' membership lives (\"Host=db;Database=cluster;Username=me;Password=…\"), or off to run trials on this machine again.") { AllowImplicitName = true }
                    .AddCompletions(() => ["localhost", "off"]),
            ],
        };

        Magic.Add<UseCluster>(kernel, directive, Usage,
            [
                "#!cluster localhost",
                "#!cluster \"Host=db.example;Database=cluster;Username=me;Password=secret\"",
                "#!train --data breast_cancer --label diagnosis --trainer auto --trials 24",
                "#!cluster off",
            ],
            HandleAsync);
    }

    private static async Task HandleAsync(UseCluster command, KernelInvocationContext context)
    {
        var session = NotebookSession.For(context.HandlingKernel);
        var value = command.Connection?.Trim().Trim('"');
        if (string.Equals(value, "off", StringComparison.OrdinalIgnoreCase))
        {
            var was = session.Cluster?.Describe();
            await session.SetClusterAsync(null).ConfigureAwait(false);
            context.DisplayAs(was is null ? "No cluster was in use; trials run on this machine." : $"Left the {was}. Trials run on this machine's {Environment.ProcessorCount} cores again.", "text/plain");
            return;
        }

        var html = string.IsNullOrEmpty(value)
            ? await StatusAsync(session, context.CancellationToken).ConfigureAwait(false)
            : await ConnectAsync(session, value, context.CancellationToken).ConfigureAwait(false);
        context.Display(new HtmlString(html), "text/html");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<string> ConnectAsync(NotebookSession session, string connection, CancellationToken cancellationToken)
    {
        var cluster = await TrainingCluster.ConnectAsync(connection, cancellationToken).ConfigureAwait(false);
        await session.SetClusterAsync(cluster).ConfigureAwait(false);
        return Card(cluster, $"Connected to the cluster {cluster.Display}");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<string> StatusAsync(NotebookSession session, CancellationToken cancellationToken)
    {
        if (session.Cluster is not TrainingCluster cluster)
        {
            return Cards.Cluster("No cluster: trials run on this machine", [], $"{Environment.ProcessorCount} cores, one trial per core. Connect with #!cluster localhost or #!cluster \"Host=…\".");
        }

        await cluster.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return Card(cluster, $"The cluster {cluster.Display}");
    }

    /// <summary>A scheduler for one #!train cell (<c>--cluster</c>); the caller disposes it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<(TrialScheduler Scheduler, IAsyncDisposable Connection)> ConnectForCellAsync(string connection, CancellationToken cancellationToken)
    {
        var cluster = await TrainingCluster.ConnectAsync(connection, cancellationToken).ConfigureAwait(false);
        return (cluster, cluster);
    }

    private static string Card(TrainingCluster cluster, string title) =>
        Cards.Cluster(title, cluster.Workers.Select(w => (w.Name, w.Slots, w.Cores)),
            cluster.Workers.Count == 0
                ? $"No worker is running. Start one with: notebooks worker --cluster \"{cluster.Display}\""
                : "#!train --trainer auto runs its trials here, and --folds K its folds; #!cluster off goes back to this machine.");
}
