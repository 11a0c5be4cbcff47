using System.Diagnostics;
using Notebooks.Tests;
using Npgsql;

namespace Notebooks.ML.Cluster.Tests;

/// <summary>A cluster without workers fails with a message that says what to start, within seconds.</summary>
public sealed class NoWorkersTests
{
    [SkippableFact]
    public async Task Connecting_to_a_cluster_without_workers_fails_within_seconds_and_says_what_to_start()
    {
        var server = Environment.GetEnvironmentVariable("NOTEBOOKS_ML_TEST_POSTGRES") is { Length: > 0 } value ? value : null;
        Requirements.Require(server is not null, "PostgreSQL (NOTEBOOKS_ML_TEST_POSTGRES is not set)", "start PostgreSQL: source .ci/postgres.sh as root");
        var schema = "nbml_cluster_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"CREATE SCHEMA {schema}", connection).ExecuteNonQueryAsync();
        }

        try
        {
            var stopwatch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<NotebookException>(() => TrainingCluster.ConnectAsync(new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString));
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
            Assert.Contains("no worker answered", error.Message, StringComparison.Ordinal);
            Assert.Contains("notebooks worker --cluster", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Password", error.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await new NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", connection).ExecuteNonQueryAsync();
        }
    }
}
