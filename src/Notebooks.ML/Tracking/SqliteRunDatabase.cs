using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Notebooks.ML.Tracking;

/// <summary>
/// The default store: one SQLite file in write-ahead-logging mode with full synchronous commits, so a run that
/// was reported saved survives a killed process (and a power cut), and several kernels can write at once (SQLite
/// serializes writers; each waits up to a minute for the lock).
/// </summary>
internal sealed class SqliteRunDatabase : RunDatabase
{
    private readonly string _connectionString;

    public SqliteRunDatabase(string path) : base(path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Every operation opens and closes its own connection: nothing stays locked or open between cells.
            Pooling = false,
            DefaultTimeout = 60,
        }.ToString();
    }

    protected override IReadOnlyList<(int Version, string Description, string[] Statements)> Migrations { get; } =
    [
        (1, "runs: provenance, settings, metrics (per fold too), versions and the saved model of every training run",
        [
            """
            CREATE TABLE nbml_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                uid TEXT NOT NULL UNIQUE,
                started_at TEXT NOT NULL,
                ended_at TEXT NOT NULL,
                duration_ms REAL NOT NULL,
                notebook TEXT,
                cell TEXT,
                model_variable TEXT,
                data_name TEXT,
                data_source TEXT,
                data_file TEXT,
                data_fingerprint TEXT NOT NULL,
                data_schema TEXT NOT NULL,
                label TEXT NOT NULL,
                task TEXT NOT NULL,
                trainer TEXT NOT NULL,
                hyperparameters TEXT NOT NULL,
                features TEXT NOT NULL,
                seed INTEGER NOT NULL,
                test_fraction REAL NOT NULL,
                train_rows INTEGER NOT NULL,
                test_rows INTEGER NOT NULL,
                metrics TEXT NOT NULL,
                fold_metrics TEXT,
                versions TEXT NOT NULL,
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
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                server TEXT NOT NULL,
                version INTEGER NOT NULL,
                model_key TEXT NOT NULL,
                served_at TEXT NOT NULL,
                model_name TEXT,
                run_id INTEGER,
                task TEXT NOT NULL,
                label TEXT NOT NULL,
                trainer TEXT NOT NULL,
                data_fingerprint TEXT NOT NULL,
                inputs TEXT NOT NULL,
                outputs TEXT NOT NULL,
                UNIQUE (server, version)
            )
            """,
            // One row per segment of the log (about 32 KB of requests; the segments of 100 ms are committed together), which keeps
            // the log's cost off the request rate. entries: {"requests": [[model id, microseconds since 1970 UTC, latency ms, status,
            // error code, rows], …], "inputs": [[value, …] per answered row], "outputs": [[value, …] per answered row]}.
            """
            CREATE TABLE nbml_served_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                server TEXT NOT NULL,
                first_at TEXT NOT NULL,
                last_at TEXT NOT NULL,
                requests INTEGER NOT NULL,
                refused INTEGER NOT NULL,
                row_count INTEGER NOT NULL,
                entries TEXT NOT NULL
            )
            """,
            "CREATE INDEX nbml_served_log_server_at ON nbml_served_log (server, last_at)",
        ]),
    ];

    protected override string MigrationsTable =>
        "CREATE TABLE IF NOT EXISTS nbml_schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)";

    protected override DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // busy_timeout first: switching a new file to WAL needs a lock another process may hold for a moment.
        command.CommandText = "PRAGMA busy_timeout = 60000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";
        command.ExecuteNonQuery();
        return connection;
    }

    // BEGIN IMMEDIATE: takes the write lock at once, so a second migrator waits instead of failing half-way.
    protected override DbTransaction BeginSchemaTransaction(DbConnection connection) =>
        ((SqliteConnection)connection).BeginTransaction(deferred: false);

    protected override string JsonParameter(string name) => "@" + name;

    protected override object TimeValue(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>The journal mode in force (<c>wal</c>), for tests and diagnostics.</summary>
    public string JournalMode()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>SQLite's own consistency check: <c>ok</c> for a sound file.</summary>
    public string IntegrityCheck()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }
}
