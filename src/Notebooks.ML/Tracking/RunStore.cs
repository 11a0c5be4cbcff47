using System.Data.Common;
using System.Globalization;
using Notebooks.ML.Training;
using Plotly.NET;

namespace Notebooks.ML.Tracking;

/// <summary>
/// The experiment log: every training run with its provenance, settings, metrics and saved model. SQLite by default
/// (<c>notebooks-ml-runs.db</c> beside the notebook, models in <c>notebooks-ml-runs/models/</c>), or PostgreSQL for a
/// team, chosen by a connection string. The C# twin of <c>#!runs</c>:
/// <code>
/// using var runs = RunStore.Open();
/// runs.Record(model);
/// runs.List(new RunFilter { Label = "Species" });
/// runs.Compare("3", "7");
/// </code>
/// </summary>
public sealed partial class RunStore : IDisposable
{
    /// <summary>The environment variable that names the store when <see cref="Open"/> is given none: a file path or a PostgreSQL connection string.</summary>
    public const string LocationVariable = "NOTEBOOKS_ML_RUNS";

    /// <summary>The environment variable that names the folder for the models of a PostgreSQL store (default: <c>notebooks-ml-runs/models</c> in the current folder).</summary>
    public const string ModelsVariable = "NOTEBOOKS_ML_RUNS_MODELS";

    /// <summary>The environment variable a host (such as the runner) sets to the notebook's path, recorded with each run.</summary>
    public const string NotebookVariable = "NOTEBOOKS_ML_NOTEBOOK";

    /// <summary>The store's file name in the current folder when nothing else names one.</summary>
    public const string DefaultFileName = "notebooks-ml-runs.db";

    private readonly StoreLocation _location;

    private RunStore(StoreLocation location, RunDatabase database, DataWatch? watch)
    {
        _location = location;
        Database = database;
        Watch = watch;
    }

    internal RunDatabase Database { get; }

    /// <summary>Where the store is: the SQLite file's full path, or <c>postgresql://user@host:port/database</c> (never the password).</summary>
    public string Location => _location.Display;

    /// <summary><c>sqlite</c> or <c>postgresql</c>.</summary>
    public string Kind => _location.Kind == StoreKind.Sqlite ? "sqlite" : "postgresql";

    /// <summary>The folder that holds the saved models.</summary>
    public string ModelsFolder => _location.ModelsFolder;

    /// <summary>What the notebook holds now, which marks runs on since-reloaded data as stale; <see langword="null"/> marks none.</summary>
    public DataWatch? Watch { get; }

    /// <summary>The schema version of the store.</summary>
    public int SchemaVersion => Database.Version();

    /// <summary>
    /// Opens (creating and migrating when needed) the store at <paramref name="location"/>: a SQLite file path (a
    /// folder gets <c>notebooks-ml-runs.db</c> inside it), or a PostgreSQL connection string (<c>Host=…;Database=…</c>
    /// or <c>postgresql://user:password@host/database</c>). Without one: <see cref="LocationVariable"/>, else
    /// <see cref="DefaultFileName"/> in the current folder. <paramref name="watch"/> marks runs on since-reloaded data
    /// as stale; <paramref name="models"/> is the folder for saved models (default: beside a SQLite file, or
    /// <see cref="ModelsVariable"/>, else <c>notebooks-ml-runs/models</c> in the current folder, for PostgreSQL).
    /// </summary>
    public static RunStore Open(string? location = null, DataWatch? watch = null, string? models = null)
    {
        var resolved = StoreLocation.Resolve(location);
        if (!string.IsNullOrWhiteSpace(models))
        {
            resolved = resolved with { ModelsFolder = Path.GetFullPath(models) };
        }

        RunDatabase? database = null;
        try
        {
            database = resolved.Kind == StoreKind.Sqlite
                ? new SqliteRunDatabase(resolved.Target)
                : OpenPostgres(resolved);
            database.Migrate();
            return new RunStore(resolved, database, watch);
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or TimeoutException)
        {
            database?.Dispose();
            throw RunErrors.CannotOpen(resolved.Display, e);
        }
        catch
        {
            database?.Dispose();
            throw;
        }
    }

    // Separate, so that Npgsql is loaded only for PostgreSQL stores.
    private static PostgresRunDatabase OpenPostgres(StoreLocation location) => new(location.Target, location.Display);

    /// <summary>
    /// Records a run of <paramref name="model"/>: its provenance, settings, metrics and versions, and its model saved
    /// beside the store. When this returns, the run is committed: a crash afterwards does not lose it.
    /// </summary>
    public Run Record(TrainedModel model, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        context ??= new RunContext();
        var info = model.Info;
        var key = Guid.NewGuid().ToString("N");
        string? modelPath = null, modelHash = null;
        if (context.SaveModel)
        {
            try
            {
                (modelPath, modelHash) = ModelFiles.Save(model, ModelsFolder, key);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw RunErrors.CannotSaveModel(ModelsFolder, e);
            }
        }

        var run = new Run
        {
            Key = key,
            StartedAt = info.TrainedAt - info.Duration,
            EndedAt = info.TrainedAt,
            Duration = info.Duration,
            Notebook = context.Notebook ?? HostNotebook(),
            Cell = context.Cell,
            ModelVariable = context.ModelVariable,
            DataName = info.DataName,
            DataSource = info.DataSource,
            DataFingerprint = info.DataFingerprint,
            DataSourceFingerprint = info.DataSourceFingerprint,
            DataSchema = context.Data is null ? [] : context.Data.Columns.Select(c => new RunColumn(c.Name, TypeName(c.DataType))).ToList(),
            Label = model.Label,
            Task = model.Task.ToString().ToLowerInvariant(),
            Trainer = info.Trainer,
            Hyperparameters = new SortedDictionary<string, string>(info.Hyperparameters.ToDictionary(), StringComparer.Ordinal),
            Features = model.Features.Select(f => f.Column).ToList(),
            Seed = info.Seed,
            TestFraction = info.TestFraction,
            TrainRows = info.TrainRows,
            TestRows = info.TestRows,
            Metrics = model.Metrics,
            FoldMetrics = context.FoldMetrics.Count > 0 ? context.FoldMetrics : model.FoldMetrics,
            Versions = model.Versions,
            Machine = Environment.MachineName,
            User = Environment.UserName,
            ModelPath = modelPath is null ? null : StoredPath(modelPath),
            ModelHash = modelHash,
        };
        var recorded = Resolve(Guarded(() => Database.Insert(run)));
        ModelRuns.Attach(model, recorded, Location, Watch);
        return recorded;
    }

    /// <summary>The runs that match <paramref name="filter"/>, newest first, those on since-reloaded data marked stale.</summary>
    public RunList List(RunFilter? filter = null)
    {
        filter ??= new RunFilter();
        var runs = Guarded(() => Database.List(filter)).Select(Resolve).ToList();
        return new RunList(runs, Location, filter, Guarded(Database.Count));
    }

    /// <summary>The run <paramref name="run"/>: a number (<c>12</c> or <c>#12</c>) or <c>last</c>.</summary>
    public Run Show(string run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var text = run.Trim();
        if (text.Equals("last", StringComparison.OrdinalIgnoreCase) || text.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            return Show(Guarded(Database.Newest) ?? throw RunErrors.NoRuns(Location));
        }

        return long.TryParse(text.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? Show(id)
            : throw RunErrors.BadRunId(run);
    }

    /// <summary>The run numbered <paramref name="id"/>.</summary>
    public Run Show(long id) =>
        Guarded(() => Database.Get(id)) is { } run ? Resolve(run) : throw RunErrors.UnknownRun($"#{id}", Location, Guarded(Database.Newest));

    /// <summary>Two runs side by side: settings and metrics, with the differences marked.</summary>
    public RunComparison Compare(string first, string second) => RunComparison.Of(Show(first), Show(second));

    /// <summary>A chart of <paramref name="metric"/> across the runs that match <paramref name="filter"/>, oldest to newest.</summary>
    public GenericChart Plot(string metric, RunFilter? filter = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        var runs = List(filter ?? new RunFilter { Limit = 1000 });
        if (runs.Count == 0)
        {
            throw runs.Total == 0 ? RunErrors.NoRuns(Location) : RunErrors.NoMatchingRuns(Location);
        }

        return RunCharts.Metric(runs, metric.Trim());
    }

    /// <inheritdoc/>
    public void Dispose() => Database.Dispose();

    /// <summary>The run with stale marks and the model path made absolute.</summary>
    private Run Resolve(Run run) => run with
    {
        ModelPath = run.ModelPath is null || Path.IsPathRooted(run.ModelPath) ? run.ModelPath : Path.GetFullPath(Path.Combine(StoreFolder, run.ModelPath)),
        Stale = Watch?.StalenessOf(run.DataName, run.DataFingerprint),
    };

    private string StoreFolder => Path.GetDirectoryName(_location.Target) ?? Environment.CurrentDirectory;

    /// <summary>A SQLite store names its models relative to its own folder, so that the folder can move as a whole.</summary>
    private string StoredPath(string path)
    {
        if (_location.Kind != StoreKind.Sqlite)
        {
            return path;
        }

        var relative = Path.GetRelativePath(StoreFolder, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative.Replace('\\', '/');
    }

    private static string? HostNotebook() =>
        Environment.GetEnvironmentVariable(NotebookVariable) is { Length: > 0 } notebook ? notebook
        : Environment.GetEnvironmentVariable("JPY_SESSION_NAME") is { Length: > 0 } jupyter ? jupyter
        : null;

    private static string TypeName(Type type) => type == typeof(double) ? "double"
        : type == typeof(float) ? "float"
        : type == typeof(int) ? "int"
        : type == typeof(long) ? "long"
        : type == typeof(bool) ? "bool"
        : type == typeof(string) ? "string"
        : type == typeof(DateTime) ? "datetime"
        : type.Name.ToLowerInvariant();

    internal T Guarded<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DbException e)
        {
            throw new NotebookException($"The run store '{Location}' failed: {e.Message}", e);
        }
    }
}
