using System.Data.Common;
using Npgsql;

namespace Notebooks.ML.Tracking;

/// <summary>
/// A team's store: a PostgreSQL database named by a connection string. The tables go into the connection's
/// schema (its search path). Migrations hold an advisory lock, so kernels that open a new store at once migrate it once.
/// </summary>
internal sealed class PostgresRunDatabase : RunDatabase
{
    // Any fixed number: the advisory lock that serializes migrations of Notebooks.ML stores in one database.
    private const long MigrationLock = 0x4E424D4C_52554E53; // "NBMLRUNS"

    private readonly NpgsqlDataSource _source;

    public PostgresRunDatabase(string connectionString, string display) : base(display) =>
        _source = NpgsqlDataSource.Create(connectionString);

    protected override IReadOnlyList<(int Version, string Description, string[] Statements)> Migrations { get; } =
    [
        (1, "runs: provenance, settings, metrics (per fold too), versions and the saved model of every training run",
        [
            // json, not jsonb: it keeps the text as written, so metrics and hyperparameters keep their order.
            """
            CREATE TABLE nbml_runs (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                uid TEXT NOT NULL UNIQUE,
                started_at TIMESTAMPTZ NOT NULL,
                ended_at TIMESTAMPTZ NOT NULL,
                duration_ms DOUBLE PRECISION NOT NULL,
                notebook TEXT,
                cell TEXT,
                model_variable TEXT,
                data_name TEXT,
                data_source TEXT,
                data_file TEXT,
                data_fingerprint TEXT NOT NULL,
                data_schema JSON NOT NULL,
                label TEXT NOT NULL,
                task TEXT NOT NULL,
                trainer TEXT NOT NULL,
                hyperparameters JSON NOT NULL,
                features JSON NOT NULL,
                seed INTEGER NOT NULL,
                test_fraction DOUBLE PRECISION NOT NULL,
                train_rows INTEGER NOT NULL,
                test_rows INTEGER NOT NULL,
                metrics JSON NOT NULL,
                fold_metrics JSON,
                versions JSON NOT NULL,
                machine TEXT NOT NULL,
                user_name TEXT,
                model_path TEXT,
                model_hash TEXT
            )
            """,
            "CREATE INDEX nbml_runs_data ON nbml_runs (data_name)",
            "CREATE INDEX nbml_runs_fingerprint ON nbml_runs (data_fingerprint)",
        ]),
        SourceFingerprintMigration,
        (3, "prediction log: the models served under each name, and every request they answered or refused, in segments",
        [
            """
            CREATE TABLE nbml_served_models (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                server TEXT NOT NULL,
                version INTEGER NOT NULL,
                model_key TEXT NOT NULL,
                served_at TIMESTAMPTZ NOT NULL,
                model_name TEXT,
                run_id BIGINT,
                task TEXT NOT NULL,
                label TEXT NOT NULL,
                trainer TEXT NOT NULL,
                data_fingerprint TEXT NOT NULL,
                inputs JSON NOT NULL,
                outputs JSON NOT NULL,
                UNIQUE (server, version)
            )
            """,
            // One row per commit of the log (see SqliteRunDatabase for the layout of entries).
            """
            CREATE TABLE nbml_served_log (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                server TEXT NOT NULL,
                first_at TIMESTAMPTZ NOT NULL,
                last_at TIMESTAMPTZ NOT NULL,
                requests INTEGER NOT NULL,
                refused INTEGER NOT NULL,
                row_count INTEGER NOT NULL,
                entries JSON NOT NULL
            )
            """,
            "CREATE INDEX nbml_served_log_server_at ON nbml_served_log (server, last_at)",
        ]),
    ];

    protected override string MigrationsTable =>
        "CREATE TABLE IF NOT EXISTS nbml_schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)";

    protected override DbConnection Open() => _source.OpenConnection();

    protected override DbTransaction BeginSchemaTransaction(DbConnection connection)
    {
        var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock})");
        return transaction;
    }

    protected override string JsonParameter(string name) => $"CAST(@{name} AS json)";

    protected override object TimeValue(DateTimeOffset value) => value.UtcDateTime;

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public override void Dispose()
    {
        _source.Dispose();
        base.Dispose();
    }
}
