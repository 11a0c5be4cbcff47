using Notebooks.ML.Training;

namespace Notebooks.ML.Interactive.Tests;

/// <summary><c>#!threads</c>, <c>#!cluster</c> and <c>#!train --threads / --cluster</c> in a kernel (the cluster itself is tested in Notebooks.ML.Cluster.Tests).</summary>
[Collection("kernel")]
public sealed class ClusterMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();

    public void Dispose() => _kernel.Dispose();

    [Fact]
    public async Task Threads_sets_the_session_default_that_train_uses_and_the_card_shows()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        Assert.Contains("Threads per training: auto", (await _kernel.SubmitAsync("#!threads")).ShouldSucceed().Text, StringComparison.Ordinal);
        Assert.Contains("Threads per training: 1.", (await _kernel.SubmitAsync("#!threads 1")).ShouldSucceed().Text, StringComparison.Ordinal);
        (await _kernel.SubmitAsync("#!train --data iris --label Species --no-explain --as one")).ShouldSucceed();
        Assert.Equal(1, _kernel.Variable<TrainedModel>("one")!.Info.Threads);
        (await _kernel.SubmitAsync("#!threads auto")).ShouldSucceed();
        var card = (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer sdca --no-explain --as sdca")).ShouldSucceed().Html;
        Assert.Contains("1 thread (the default for sdca: SDCA", card, StringComparison.Ordinal);
        (await _kernel.SubmitAsync("#!train --data iris --label Species --threads 2 --no-explain --as two")).ShouldSucceed();
        Assert.Equal(2, _kernel.Variable<TrainedModel>("two")!.Info.Threads);
    }

    [Theory]
    [InlineData("#!threads 0", "#!threads '0' is not a number of threads")]
    [InlineData("#!train --data iris --label Species --threads 0", "--threads")]
    [InlineData("#!cluster \"not a connection\"", "is not a cluster: expected localhost (one machine) or a PostgreSQL connection string")]
    [InlineData("#!train --data iris --label Species --folds 3 --cluster nowhere", "is not a cluster")]
    public async Task Bad_threads_and_clusters_fail_with_a_message_and_leave_the_model_alone(string magic, string expected)
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        Assert.Contains(expected, (await _kernel.SubmitAsync(magic)).ShouldFail(), StringComparison.Ordinal);
        Assert.Null(_kernel.Variable<TrainedModel>("model"));
    }

    [Fact]
    public async Task Disposing_the_kernel_leaves_the_cluster()
    {
        var kernel = new KernelHarness();
        (await kernel.SubmitAsync("#!threads")).ShouldSucceed();
        var cluster = new Connection();
        await NotebookSession.For(kernel.Kernel).SetClusterAsync(cluster);

        kernel.Dispose();

        Assert.True(cluster.Disposed, "the cluster connection outlived the kernel");
    }

    /// <summary>A scheduler that only records that it was disconnected, standing where #!cluster puts its Orleans client.</summary>
    private sealed class Connection : TrialScheduler, IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public override ValueTask<IReadOnlyList<ITrialWorker>> WorkersAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<ITrialWorker>>([]);

        public override string Describe() => "a recorded connection";

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Cluster_has_help_and_off_goes_back_to_this_machine()
    {
        var help = (await _kernel.SubmitAsync("#!cluster -h")).ShouldSucceed().Html;
        Assert.Contains("--connection", help, StringComparison.Ordinal);
        Assert.Contains("notebooks worker", help, StringComparison.Ordinal);
        Assert.Contains("No cluster: trials run on this machine", (await _kernel.SubmitAsync("#!cluster")).ShouldSucceed().Html, StringComparison.Ordinal);
        Assert.Contains("No cluster was in use", (await _kernel.SubmitAsync("#!cluster off")).ShouldSucceed().Text, StringComparison.Ordinal);
    }
}
