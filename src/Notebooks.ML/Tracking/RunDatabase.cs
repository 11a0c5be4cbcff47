using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notebooks.ML.Tracking;

/// <summary>
/// The SQL behind a <see cref="RunStore"/>, shared by SQLite and PostgreSQL: a versioned schema brought up to date
/// when the store opens (one migrator at a time), one row per run written in a single statement, and the queries.
/// The two subclasses differ only in how they connect, lock, and spell times, JSON and identity columns.
/// </summary>
internal abstract partial class RunDatabase : IDisposable
{
    /// <summary>The schema this version writes and reads. Raise it with a new entry in <see cref="Migrations"/>.</summary>
    public const int SchemaVersion = 3;

    internal static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private const string Columns =
        "id, uid, started_at, ended_at, duration_ms, notebook, cell, model_variable, data_name, data_source, data_file, " +
        "data_fingerprint, data_schema, label, task, trainer, hyperparameters, features, seed, test_fraction, train_rows, " +
        "test_rows, metrics, fold_metrics, versions, machine, user_name, model_path, model_hash, data_source_fingerprint";

    protected RunDatabase(string display) => Display = display;

    /// <summary>How messages name the store.</summary>
    public string Display { get; }

    /// <summary>
    /// Version 2, the same SQL for both databases: the fingerprint of the file the data was loaded from, beside the
    /// data fingerprint. Before it, <c>data_fingerprint</c> was the file's hash for every loaded frame (even a
    /// sample), so that is what runs recorded from a file get as their source; their data fingerprint stays as it was.
    /// </summary>
    protected static (int Version, string Description, string[] Statements) SourceFingerprintMigration { get; } =
        (2, "runs: the source file's fingerprint beside the data fingerprint (which now changes with --sample, --where, --sql …)",
        [
            "ALTER TABLE nbml_runs ADD COLUMN data_source_fingerprint TEXT",
            "UPDATE nbml_runs SET data_source_fingerprint = data_fingerprint WHERE data_source IS NOT NULL",
            "CREATE INDEX nbml_runs_source_fingerprint ON nbml_runs (data_source_fingerprint)",
        ]);

    /// <summary>The schema migrations, oldest first: version, what it does, and its statements.</summary>
    protected abstract IReadOnlyList<(int Version, string Description, string[] Statements)> Migrations { get; }

    /// <summary>Creates the table that records which migrations ran.</summary>
    protected abstract string MigrationsTable { get; }

    /// <summary>An open connection, set up for durable writes.</summary>
    protected abstract DbConnection Open();

    /// <summary>A write transaction that holds the lock migrations need, so that two processes never migrate at once.</summary>
    protected abstract DbTransaction BeginSchemaTransaction(DbConnection connection);

    /// <summary>The placeholder of a JSON parameter (PostgreSQL casts it).</summary>
    protected abstract string JsonParameter(string name);

    /// <summary>A time as the database stores it.</summary>
    protected abstract object TimeValue(DateTimeOffset value);

    /// <summary>A time as the database returns it.</summary>
    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>The migrations applied so far (0 for a new store).</summary>
    public int Version()
    {
        using var connection = Open();
        return ReadVersion(connection, null) ?? 0;
    }

    /// <summary>Brings the schema up to <see cref="SchemaVersion"/>; fails on a store written by a newer version.</summary>
    public void Migrate()
    {
        using var connection = Open();
        if (ReadVersion(connection, null) is { } current && current >= SchemaVersion)
        {
            Check(current);
            return;
        }

        using var transaction = BeginSchemaTransaction(connection);
        Execute(connection, transaction, MigrationsTable);
        var version = ReadVersion(connection, transaction) ?? 0;
        Check(version);
        foreach (var (number, description, statements) in Migrations.Where(m => m.Version > version))
        {
            foreach (var statement in statements)
            {
                Execute(connection, transaction, statement);
            }

            using var record = Command(connection, transaction,
                "INSERT INTO nbml_schema_migrations (version, description, applied_at) VALUES (@version, @description, @applied)");
            Add(record, "@version", number);
            Add(record, "@description", description);
            Add(record, "@applied", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
            record.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private void Check(int version)
    {
        if (version > SchemaVersion)
        {
            throw RunErrors.NewerSchema(Display, version, SchemaVersion);
        }
    }

    private static int? ReadVersion(DbConnection connection, DbTransaction? transaction)
    {
        try
        {
            using var command = Command(connection, transaction, "SELECT MAX(version) FROM nbml_schema_migrations");
            return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : 0;
        }
        catch (DbException) when (transaction is null)
        {
            // No migrations table yet: a new store.
            return null;
        }
    }

    /// <summary>Writes <paramref name="run"/> in one statement (atomic on its own) and returns it with its number.</summary>
    public Run Insert(Run run)
    {
        using var connection = Open();
        using var command = Command(connection, null,
            $"INSERT INTO nbml_runs ({Columns[4..]}) VALUES (@uid, @started_at, @ended_at, @duration_ms, @notebook, @cell, @model_variable, " +
            $"@data_name, @data_source, @data_file, @data_fingerprint, {JsonParameter("data_schema")}, @label, @task, @trainer, " +
            $"{JsonParameter("hyperparameters")}, {JsonParameter("features")}, @seed, @test_fraction, @train_rows, @test_rows, " +
            $"{JsonParameter("metrics")}, {JsonParameter("fold_metrics")}, {JsonParameter("versions")}, @machine, @user_name, @model_path, @model_hash, @data_source_fingerprint) RETURNING id");
        Add(command, "@uid", run.Key);
        Add(command, "@started_at", TimeValue(run.StartedAt));
        Add(command, "@ended_at", TimeValue(run.EndedAt));
        Add(command, "@duration_ms", run.Duration.TotalMilliseconds);
        Add(command, "@notebook", run.Notebook);
        Add(command, "@cell", run.Cell);
        Add(command, "@model_variable", run.ModelVariable);
        Add(command, "@data_name", run.DataName);
        Add(command, "@data_source", run.DataSource);
        Add(command, "@data_file", run.DataSource is null ? null : Path.GetFileName(run.DataSource));
        Add(command, "@data_fingerprint", run.DataFingerprint);
        Add(command, "@data_schema", JsonSerializer.Serialize(run.DataSchema, Json));
        Add(command, "@label", run.Label);
        Add(command, "@task", run.Task);
        Add(command, "@trainer", run.Trainer);
        Add(command, "@hyperparameters", JsonSerializer.Serialize(run.Hyperparameters, Json));
        Add(command, "@features", JsonSerializer.Serialize(run.Features, Json));
        Add(command, "@seed", run.Seed);
        Add(command, "@test_fraction", run.TestFraction);
        Add(command, "@train_rows", run.TrainRows);
        Add(command, "@test_rows", run.TestRows);
        Add(command, "@metrics", JsonSerializer.Serialize(run.Metrics, Json));
        Add(command, "@fold_metrics", run.FoldMetrics.Count == 0 ? null : JsonSerializer.Serialize(run.FoldMetrics, Json));
        Add(command, "@versions", JsonSerializer.Serialize(run.Versions, Json));
        Add(command, "@machine", run.Machine);
        Add(command, "@user_name", run.User);
        Add(command, "@model_path", run.ModelPath);
        Add(command, "@model_hash", run.ModelHash);
        Add(command, "@data_source_fingerprint", run.DataSourceFingerprint);
        var id = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        return run with { Id = id };
    }

    /// <summary>The runs that match <paramref name="filter"/>, newest first.</summary>
    public IReadOnlyList<Run> List(RunFilter filter)
    {
        using var connection = Open();
        using var command = Command(connection, null, "");
        var where = new List<string>();
        if (!string.IsNullOrWhiteSpace(filter.Data))
        {
            var clause = "(lower(data_name) = lower(@data) OR lower(data_file) = lower(@data)";
            Add(command, "@data", filter.Data.Trim());
            var hex = filter.Data.Trim().StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? filter.Data.Trim()[7..] : filter.Data.Trim();
            if (hex.Length >= 6 && hex.All(Uri.IsHexDigit))
            {
                // The data fingerprint, or the file's: a file's hash finds every run on any load of that file.
                clause += " OR data_fingerprint LIKE @fingerprint OR data_source_fingerprint LIKE @fingerprint";
                Add(command, "@fingerprint", "sha256:" + hex.ToLowerInvariant() + "%");
            }

            where.Add(clause + ")");
        }

        if (!string.IsNullOrWhiteSpace(filter.Label))
        {
            where.Add("lower(label) = lower(@label)");
            Add(command, "@label", filter.Label.Trim());
        }

        if (!string.IsNullOrWhiteSpace(filter.Trainer))
        {
            where.Add("lower(trainer) = lower(@trainer)");
            Add(command, "@trainer", filter.Trainer.Trim());
        }

        Add(command, "@limit", Math.Max(1, filter.Limit));
        command.CommandText = $"SELECT {Columns} FROM nbml_runs{(where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))} ORDER BY id DESC LIMIT @limit";
        return Read(command);
    }

    /// <summary>The run numbered <paramref name="id"/>, or <see langword="null"/>.</summary>
    public Run? Get(long id)
    {
        using var connection = Open();
        using var command = Command(connection, null, $"SELECT {Columns} FROM nbml_runs WHERE id = @id");
        Add(command, "@id", id);
        return Read(command).FirstOrDefault();
    }

    /// <summary>The run with the unique key <paramref name="key"/>, or <see langword="null"/>.</summary>
    public Run? GetByKey(string key)
    {
        using var connection = Open();
        using var command = Command(connection, null, $"SELECT {Columns} FROM nbml_runs WHERE uid = @uid");
        Add(command, "@uid", key);
        return Read(command).FirstOrDefault();
    }

    /// <summary>The number of the newest run, or <see langword="null"/> when there is none.</summary>
    public long? Newest()
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT MAX(id) FROM nbml_runs");
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>How many runs the store holds.</summary>
    public long Count()
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT COUNT(*) FROM nbml_runs");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private List<Run> Read(DbCommand command)
    {
        var runs = new List<Run>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            runs.Add(new Run
            {
                Id = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                Key = reader.GetString(1),
                StartedAt = ReadTime(reader, 2),
                EndedAt = ReadTime(reader, 3),
                // Milliseconds as a double: round to whole ticks, as FromMilliseconds truncates 32.7895 to 32.7894.
                Duration = TimeSpan.FromTicks((long)Math.Round(Convert.ToDouble(reader.GetValue(4), CultureInfo.InvariantCulture) * TimeSpan.TicksPerMillisecond)),
                Notebook = Text(reader, 5),
                Cell = Text(reader, 6),
                ModelVariable = Text(reader, 7),
                DataName = Text(reader, 8),
                DataSource = Text(reader, 9),
                DataFingerprint = reader.GetString(11),
                DataSchema = FromJson<List<RunColumn>>(reader, 12) ?? [],
                Label = reader.GetString(13),
                Task = reader.GetString(14),
                Trainer = reader.GetString(15),
                Hyperparameters = FromJson<Dictionary<string, string>>(reader, 16) ?? [],
                Features = FromJson<List<string>>(reader, 17) ?? [],
                Seed = Convert.ToInt32(reader.GetValue(18), CultureInfo.InvariantCulture),
                TestFraction = Convert.ToDouble(reader.GetValue(19), CultureInfo.InvariantCulture),
                TrainRows = Convert.ToInt32(reader.GetValue(20), CultureInfo.InvariantCulture),
                TestRows = Convert.ToInt32(reader.GetValue(21), CultureInfo.InvariantCulture),
                Metrics = FromJson<Dictionary<string, double>>(reader, 22) ?? [],
                FoldMetrics = FromJson<List<Dictionary<string, double>>>(reader, 23)?.Cast<IReadOnlyDictionary<string, double>>().ToList() ?? [],
                Versions = FromJson<Dictionary<string, string>>(reader, 24) ?? [],
                Machine = reader.GetString(25),
                User = Text(reader, 26),
                ModelPath = Text(reader, 27),
                ModelHash = Text(reader, 28),
                DataSourceFingerprint = Text(reader, 29),
            });
        }

        return runs;
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static T? FromJson<T>(DbDataReader reader, int ordinal) where T : class =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<T>(reader.GetString(ordinal), Json);

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    protected static void Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    protected static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        if (value is null)
        {
            parameter.DbType = DbType.String;
        }

        command.Parameters.Add(parameter);
    }

    /// <inheritdoc/>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
