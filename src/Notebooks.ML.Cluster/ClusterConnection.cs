using System.Data.Common;
using System.Reflection;
using Npgsql;

namespace Notebooks.ML.Cluster;

/// <summary>
/// Where a cluster's membership lives: <c>localhost</c> (Orleans' development clustering: one machine, the first
/// worker is the primary on ports 11111/30000) or a PostgreSQL connection string (ADO.NET clustering; the
/// membership tables are created when missing).
/// </summary>
public sealed class ClusterConnection
{
    /// <summary>The cluster id every worker and notebook of Notebooks.ML uses.</summary>
    public const string ClusterId = "notebooks-ml";

    /// <summary>The primary silo's port under <c>localhost</c> clustering.</summary>
    public const int LocalhostSiloPort = 11111;

    /// <summary>The primary silo's gateway port under <c>localhost</c> clustering.</summary>
    public const int LocalhostGatewayPort = 30000;

    private ClusterConnection(string text, string? postgres)
    {
        Text = text;
        Postgres = postgres;
    }

    /// <summary>What the user gave.</summary>
    public string Text { get; }

    /// <summary>The PostgreSQL connection string, or null for <c>localhost</c>.</summary>
    public string? Postgres { get; }

    /// <summary>Whether this is <c>localhost</c> development clustering.</summary>
    public bool IsLocalhost => Postgres is null;

    /// <summary>The connection without its password, for cards and logs.</summary>
    public string Display => Postgres is null ? "localhost" : new NpgsqlConnectionStringBuilder(Postgres) { Password = null }.ConnectionString;

    /// <summary>Reads a <c>--cluster</c> value.</summary>
    /// <exception cref="NotebookException">It is neither <c>localhost</c> nor a connection string.</exception>
    public static ClusterConnection Parse(string? text)
    {
        var value = text?.Trim() ?? "";
        if (value.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new ClusterConnection("localhost", null);
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            if (value.Length == 0 || string.IsNullOrEmpty(builder.Host))
            {
                throw new ArgumentException("no Host");
            }

            return new ClusterConnection(value, builder.ConnectionString);
        }
        catch (ArgumentException)
        {
            throw new NotebookException($"--cluster '{value}' is not a cluster: expected localhost (one machine) or a PostgreSQL connection string such as \"Host=db;Database=cluster;Username=me;Password=…\".");
        }
    }

    /// <summary>Creates Orleans' membership tables and queries in the database when they are missing (once per database; safe to race).</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (Postgres is null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(Postgres);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or DbException or TimeoutException)
        {
            throw new NotebookException($"Could not reach the cluster's PostgreSQL at '{Display}': {e.Message}", e);
        }

        // One creator at a time: workers starting together must not both run the scripts.
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await Execute(connection, "SELECT pg_advisory_xact_lock(710411)", cancellationToken).ConfigureAwait(false);
            await using var check = new NpgsqlCommand("SELECT to_regclass('orleansmembershiptable') IS NOT NULL AND to_regclass('orleansquery') IS NOT NULL", connection);
            var exists = (bool)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (!exists)
            {
                foreach (var script in new[] { "PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql" })
                {
                    await Execute(connection, Script(script), cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How many workers the membership says are active (for <c>localhost</c>: 1 when the primary's gateway port
    /// answers, else 0), so that a notebook without workers hears so at once instead of waiting for a gateway.
    /// </summary>
    public async Task<int> ActiveWorkersAsync(CancellationToken cancellationToken)
    {
        if (Postgres is null)
        {
            using var probe = new System.Net.Sockets.TcpClient();
            try
            {
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, LocalhostGatewayPort, cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
                return 1;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException)
            {
                return 0;
            }
        }

        await using var connection = new NpgsqlConnection(Postgres);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Status 3 is Orleans' SiloStatus.Active.
        await using var count = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @cluster AND status = 3", connection);
        count.Parameters.AddWithValue("cluster", ClusterId);
        return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Script(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <inheritdoc/>
    public override string ToString() => Display;
}
