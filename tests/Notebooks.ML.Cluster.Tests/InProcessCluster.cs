using Microsoft.Data.Analysis;
using Notebooks.ML.Training;
using Orleans.TestingHost;

namespace Notebooks.ML.Cluster.Tests;

/// <summary>Three worker silos in this process (Orleans' TestingHost), one slot each, and a notebook's client.</summary>
public class InProcessCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public TrainingCluster Training { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(3);
        Configure(builder);
        builder.AddClientBuilderConfigurator<Client>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Training = TrainingCluster.FromClient(Cluster.Client, "in-process test cluster");
        await Training.RefreshAsync();
    }

    protected virtual void Configure(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<Silo>();

    public async Task DisposeAsync()
    {
        await Training.DisposeAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>The names of the workers (host:port) with the silo each runs in.</summary>
    public SiloHandle SiloOf(string worker) =>
        Cluster.GetActiveSilos().Single(s => worker.EndsWith(":" + s.SiloAddress.Endpoint.Port, StringComparison.Ordinal));

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddTrialWorker(slots: 1, log: null);
    }

    /// <summary>Silos whose trials wait 300 ms before training, so that a silo killed as a trial starts dies with it in hand.</summary>
    public sealed class SlowStarting : InProcessCluster
    {
        protected override void Configure(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<SlowSilo>();

        private sealed class SlowSilo : ISiloConfigurator
        {
            public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddTrialWorker(slots: 1, log: null, runTrial: (frame, options, trial, cores, worker, token) =>
            {
                token.WaitHandle.WaitOne(300);
                token.ThrowIfCancellationRequested();
                return TrialRunner.Run(frame, options, trial, cores, worker, token);
            });
        }
    }

    private sealed class Client : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) => TrainingCluster.Configure(clientBuilder);
    }
}

internal static class Boards
{
    /// <summary>A leaderboard as text, every number to the last digit, without timings and workers.</summary>
    public static IEnumerable<string> Of(TrainedModel model) =>
        model.Leaderboard.Select(t => FormattableString.Invariant($"{t.Number} {t.Trainer} {string.Join(",", t.Hyperparameters)} {t.Rows} {t.Metric:R} {t.Status}"));

    public static DataFrame Load(string file) => Data.DataLoader.Load(Notebooks.Tests.Repo.Data(file)).Data;
}
