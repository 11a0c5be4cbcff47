using Microsoft.ML;
using Notebooks.ML.Tests.Charts;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Tracking;

/// <summary>
/// What every run store does, whatever holds it: SQLite (<see cref="SqliteRunStoreTests"/>) and PostgreSQL
/// (<see cref="PostgresRunStoreTests"/>) run these same tests.
/// </summary>
public abstract partial class RunStoreContract : IDisposable
{
    private readonly List<RunStore> _opened = [];

    protected RunStoreContract() => Models = Directory.CreateTempSubdirectory("nbml-models-").FullName;

    /// <summary>A folder for the saved models of this test.</summary>
    protected string Models { get; }

    /// <summary>A new, empty store's location for this test (or a skip / CI failure when its database is missing).</summary>
    protected abstract string Location { get; }

    /// <summary>Runs SQL against the store behind the API's back.</summary>
    protected abstract void Execute(string sql);

    protected RunStore Open(DataWatch? watch = null)
    {
        var store = RunStore.Open(Location, watch, Models);
        _opened.Add(store);
        return store;
    }

    [SkippableFact]
    public void Record_keeps_everything_needed_to_trace_and_reproduce_the_run()
    {
        var store = Open();
        var model = TrainedModels.IrisSdca;
        var folds = new List<IReadOnlyDictionary<string, double>>
        {
            new Dictionary<string, double> { ["MicroAccuracy"] = 0.9, ["MacroAccuracy"] = 0.89 },
            new Dictionary<string, double> { ["MicroAccuracy"] = 0.95, ["MacroAccuracy"] = double.NaN },
        };
        var recorded = store.Record(model, new RunContext { Cell = "#!train --data iris --label Species", ModelVariable = "m", Data = TrainedModels.Iris, FoldMetrics = folds, Notebook = "analysis.ipynb" });

        var run = store.Show(recorded.Id);
        Assert.Equal(recorded.Key, run.Key);
        Assert.Equal(32, run.Key.Length);
        Assert.Equal(model.Info.TrainedAt.ToUnixTimeMilliseconds(), run.EndedAt.ToUnixTimeMilliseconds());
        Assert.Equal((model.Info.TrainedAt - model.Info.Duration).ToUnixTimeMilliseconds(), run.StartedAt.ToUnixTimeMilliseconds());
        Assert.Equal(model.Info.Duration, run.Duration);
        Assert.Equal("analysis.ipynb", run.Notebook);
        Assert.Equal("#!train --data iris --label Species", run.Cell);
        Assert.Equal("m", run.ModelVariable);
        Assert.Equal("iris", run.DataName);
        Assert.Equal(model.Info.DataFingerprint, run.DataFingerprint);
        Assert.StartsWith("sha256:", run.DataFingerprint, StringComparison.Ordinal);
        Assert.Equal(ML.Data.Fingerprint.OfFile(Repo.Data("iris.csv")), run.DataSourceFingerprint);
        Assert.Equal(["Sepal.Length:double", "Sepal.Width:double", "Petal.Length:double", "Petal.Width:double", "Species:string"], run.DataSchema.Select(c => $"{c.Name}:{c.Type}"));
        Assert.Equal("Species", run.Label);
        Assert.Equal("multiclass", run.Task);
        Assert.Equal("sdca", run.Trainer);
        Assert.Equal(model.Info.Hyperparameters.OrderBy(h => h.Key, StringComparer.Ordinal), run.Hyperparameters);
        Assert.Equal("5", run.Hyperparameters["MaximumNumberOfIterations"]);
        Assert.Equal(model.Features.Select(f => f.Column), run.Features);
        Assert.Equal(2, run.Seed);
        Assert.Equal(model.Info.TestFraction, run.TestFraction);
        Assert.Equal(model.Info.TrainRows, run.TrainRows);
        Assert.Equal(model.Info.TestRows, run.TestRows);
        Assert.Equal(model.Metrics.Keys, run.Metrics.Keys);
        Assert.Equal(model.Metrics.Values, run.Metrics.Values);
        Assert.Equal(2, run.FoldMetrics.Count);
        Assert.Equal(0.95, run.FoldMetrics[1]["MicroAccuracy"]);
        Assert.True(double.IsNaN(run.FoldMetrics[1]["MacroAccuracy"]));
        Assert.Equal(model.Versions, run.Versions);
        Assert.Equal(Environment.MachineName, run.Machine);

        Assert.NotNull(run.ModelPath);
        Assert.True(File.Exists(run.ModelPath), run.ModelPath);
        Assert.Equal(run.Key + ".zip", Path.GetFileName(run.ModelPath));
        Assert.Equal(ModelFiles.Hash(run.ModelPath!), run.ModelHash);
        var loaded = new MLContext(seed: 1).Model.Load(run.ModelPath, out var schema);
        Assert.NotNull(loaded);
        Assert.Contains(schema, c => c.Name == "Features");
        Assert.Equal(model.Metrics, TrainedModel.Load(run.ModelPath!).Metrics);
    }

    [SkippableFact]
    public void Record_links_the_model_object_to_its_run()
    {
        var store = Open();
        var run = store.Record(TrainedModels.Cancer, new RunContext { SaveModel = false });
        Assert.Equal(run, ModelRuns.RunOf(TrainedModels.Cancer));
        Assert.Equal(store.Location, ModelRuns.StoreOf(TrainedModels.Cancer));
        Assert.Null(run.ModelPath);
    }

    [SkippableFact]
    public void List_is_newest_first_and_filters_by_data_label_and_trainer()
    {
        var store = Open();
        var first = store.Record(TrainedModels.IrisLbfgs, new RunContext { SaveModel = false });
        var second = store.Record(TrainedModels.Cancer, new RunContext { SaveModel = false });
        var third = store.Record(TrainedModels.IrisSdca, new RunContext { SaveModel = false });

        Assert.Equal([third.Id, second.Id, first.Id], store.List().Select(r => r.Id));
        Assert.True(first.Id < second.Id && second.Id < third.Id);
        Assert.Equal([third.Id, first.Id], store.List(new RunFilter { Data = "IRIS" }).Select(r => r.Id));
        Assert.Equal([third.Id, first.Id], store.List(new RunFilter { Data = "iris.csv" }).Select(r => r.Id));
        Assert.Equal([second.Id], store.List(new RunFilter { Data = ML.Data.Fingerprint.Short(second.DataFingerprint)[..8] }).Select(r => r.Id));
        Assert.Equal([second.Id], store.List(new RunFilter { Label = "diagnosis" }).Select(r => r.Id));
        Assert.Equal([first.Id], store.List(new RunFilter { Trainer = "LBFGS" }).Select(r => r.Id));
        Assert.Equal([third.Id], store.List(new RunFilter { Data = "iris", Trainer = "sdca" }).Select(r => r.Id));
        Assert.Empty(store.List(new RunFilter { Label = "Petal.Width" }));
        var limited = store.List(new RunFilter { Limit = 2 });
        Assert.Equal([third.Id, second.Id], limited.Select(r => r.Id));
        Assert.Equal(3, limited.Total);
    }

    [SkippableFact]
    public void Show_takes_a_number_a_hash_number_or_last_and_explains_a_run_that_is_not_there()
    {
        var store = Open();
        Assert.Equal($"There are no runs in '{store.Location}' yet. Every #!train records one.", Assert.Throws<NotebookException>(() => store.Show("last")).Message);
        Assert.Contains("it holds no runs yet", Assert.Throws<NotebookException>(() => store.Show("1")).Message, StringComparison.Ordinal);
        var first = store.Record(TrainedModels.IrisLbfgs, new RunContext { SaveModel = false });
        var second = store.Record(TrainedModels.IrisSdca, new RunContext { SaveModel = false });

        Assert.Equal(first.Key, store.Show(first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Key);
        Assert.Equal(first.Key, store.Show("#" + first.Id).Key);
        Assert.Equal(second.Key, store.Show("last").Key);
        var missing = Assert.Throws<NotebookException>(() => store.Show(second.Id + 40)).Message;
        Assert.Equal($"There is no run #{second.Id + 40} in '{store.Location}'. Runs are numbered #1 to #{second.Id}; see #!runs list.", missing);
        Assert.Equal("'seven' is not a run. Expected a run number such as 12 or #12 (see #!runs list), or 'last'.",
            Assert.Throws<NotebookException>(() => store.Show("seven")).Message);
    }

    [SkippableFact]
    public void Compare_puts_settings_and_metrics_side_by_side_and_marks_what_differs()
    {
        var store = Open();
        var a = store.Record(TrainedModels.IrisLbfgs, new RunContext { SaveModel = false });
        var b = store.Record(TrainedModels.IrisSdca, new RunContext { SaveModel = false });

        var comparison = store.Compare(a.Name, b.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(a.Key, comparison.First.Key);
        Assert.Equal(b.Key, comparison.Second.Key);
        var line = comparison.Lines.ToDictionary(l => (l.Section, l.Name));
        Assert.True(line[("training", "trainer")].Differs);
        Assert.Equal(("lbfgs", "sdca"), (line[("training", "trainer")].First, line[("training", "trainer")].Second));
        Assert.True(line[("training", "seed")].Differs);
        Assert.False(line[("data", "fingerprint")].Differs);
        Assert.False(line[("training", "label")].Differs);
        var iterations = line[("hyperparameters", "MaximumNumberOfIterations")];
        Assert.True(iterations.Differs);
        Assert.Equal("5", iterations.Second);
        var accuracy = line[("metrics", "MicroAccuracy")];
        Assert.Equal(b.Metrics["MicroAccuracy"] - a.Metrics["MicroAccuracy"], accuracy.Change!.Value, 12);
        Assert.Equal(accuracy.First != accuracy.Second, accuracy.Differs);
        Assert.All(comparison.Differences, d => Assert.True(d.Differs));
        Assert.Contains(comparison.Lines, l => l.Section == "versions" && !l.Differs);
    }

    [SkippableFact]
    public void Plot_draws_a_metric_across_runs_oldest_first_with_the_best_so_far()
    {
        var store = Open();
        var a = store.Record(TrainedModels.IrisLbfgs, new RunContext { SaveModel = false });
        var b = store.Record(TrainedModels.IrisSdca, new RunContext { SaveModel = false });
        var c = store.Record(TrainedModels.IrisLbfgs, new RunContext { SaveModel = false });
        store.Record(TrainedModels.Cancer, new RunContext { SaveModel = false });

        var chart = ChartJson.Of(store.Plot("microaccuracy"));
        Assert.Equal("MicroAccuracy across runs", chart.Title);
        Assert.Equal(["best so far (highest)", "lbfgs", "sdca"], chart.TraceNames);
        Assert.Equal([a.Name, b.Name, c.Name], chart.Traces[0].GetProperty("x").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal([a.Name, c.Name], chart.Traces[1].GetProperty("x").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("category", chart.AxisType("xaxis"));
        Assert.StartsWith("3 runs, oldest to newest", chart.Note, StringComparison.Ordinal);
        var best = chart.Traces[0].GetProperty("y").EnumerateArray().Select(y => y.GetDouble()).ToArray();
        Assert.Equal(best.OrderBy(v => v), best);

        Assert.Equal("No run recorded the metric 'Acuracy'. Did you mean 'Accuracy'? Recorded metrics: " + string.Join(", ", TrainedModels.Cancer.Metrics.Keys.Concat(a.Metrics.Keys).Distinct()) + ".",
            Assert.Throws<NotebookException>(() => store.Plot("Acuracy")).Message);
        Assert.Contains("No run in", Assert.Throws<NotebookException>(() => store.Plot("Accuracy", new RunFilter { Label = "nothing" })).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Runs_on_data_that_has_since_been_reloaded_are_marked_stale()
    {
        var watch = new DataWatch();
        var store = Open(watch);
        var iris = store.Record(TrainedModels.IrisLbfgs, new RunContext { SaveModel = false });
        var cancer = store.Record(TrainedModels.Cancer, new RunContext { SaveModel = false });
        watch.Observe("iris", iris.DataFingerprint);
        Assert.All(store.List(), r => Assert.Null(r.Stale));

        watch.Observe("iris", "sha256:00112233445566778899", "/data/iris-v2.csv");
        var runs = store.List().ToDictionary(r => r.Id);
        Assert.Equal($"'iris' has been reloaded from iris-v2.csv since: it now holds data 001122334455, not {ML.Data.Fingerprint.Short(iris.DataFingerprint)}. Retrain to get results for the current data.", runs[iris.Id].Stale);
        Assert.Null(runs[cancer.Id].Stale);
        Assert.NotNull(store.Show(iris.Id).Stale);
        Assert.NotNull(ModelRuns.Staleness(TrainedModels.IrisLbfgs));
        Assert.Null(ModelRuns.Staleness(TrainedModels.Cancer));
    }

    [SkippableFact]
    public void Reopening_a_store_keeps_its_runs_and_migrates_nothing_twice()
    {
        var first = Open();
        Assert.Equal(RunDatabase.SchemaVersion, first.SchemaVersion);
        var run = first.Record(TrainedModels.IrisLbfgs, new RunContext { SaveModel = false });
        first.Dispose();

        var again = Open();
        Assert.Equal(RunDatabase.SchemaVersion, again.SchemaVersion);
        Assert.Equal(run.Key, again.Show(run.Id).Key);
        Assert.Single(again.List());
    }

    [SkippableFact]
    public void A_store_written_by_a_newer_version_is_refused_with_a_clear_message()
    {
        Open().Dispose();
        Execute("INSERT INTO nbml_schema_migrations (version, description, applied_at) VALUES (99, 'from the future', '2030-01-01')");
        var message = Assert.Throws<NotebookException>(() => RunStore.Open(Location, models: Models)).Message;
        Assert.EndsWith($"has schema version 99, written by a newer Notebooks.ML; this version knows up to {RunDatabase.SchemaVersion}. Update Notebooks.ML, or use another store with --store.", message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_store_from_before_source_fingerprints_is_migrated_and_its_runs_read_as_before()
    {
        var store = Open();
        var fromFile = store.Record(TrainedModels.IrisLbfgs, new RunContext { SaveModel = false });
        var inCode = store.Record(TrainedModels.Cancer, new RunContext { SaveModel = false });
        store.Dispose();
        // Back to schema 1, as the previous version left stores: no source column, and a run on a frame built in code.
        Execute($"UPDATE nbml_runs SET data_source = NULL WHERE id = {inCode.Id}");
        Execute("DROP INDEX nbml_runs_source_fingerprint");
        Execute("ALTER TABLE nbml_runs DROP COLUMN data_source_fingerprint");
        Execute("DELETE FROM nbml_schema_migrations WHERE version >= 2");
        // And no prediction log yet (schema 3).
        Execute("DROP TABLE nbml_served_log");
        Execute("DROP TABLE nbml_served_models");

        var migrated = Open();
        Assert.Equal(RunDatabase.SchemaVersion, migrated.SchemaVersion);
        // Schema 1 recorded the file's hash as the data fingerprint of any loaded frame: that is the run's source.
        var run = migrated.Show(fromFile.Id);
        Assert.Equal(fromFile.DataFingerprint, run.DataFingerprint);
        Assert.Equal(fromFile.DataFingerprint, run.DataSourceFingerprint);
        Assert.Null(migrated.Show(inCode.Id).DataSourceFingerprint);
        Assert.Equal(inCode.DataFingerprint, migrated.Show(inCode.Id).DataFingerprint);
        var next = migrated.Record(TrainedModels.IrisSample, new RunContext { SaveModel = false });
        Assert.Equal(TrainedModels.IrisSample.Info.DataSourceFingerprint, migrated.Show(next.Id).DataSourceFingerprint);
    }

    [SkippableFact]
    public void A_run_on_a_sample_records_the_samples_fingerprint_and_the_files_and_is_found_by_either()
    {
        var watch = new DataWatch();
        var store = Open(watch);
        var whole = store.Record(TrainedModels.IrisLbfgs, new RunContext { SaveModel = false });
        var sample = store.Record(TrainedModels.IrisSample, new RunContext { SaveModel = false });
        var file = ML.Data.Fingerprint.OfFile(Repo.Data("iris.csv"));

        Assert.Equal(TrainedModels.IrisSampleData.Fingerprint, sample.DataFingerprint);
        Assert.NotEqual(file, sample.DataFingerprint);
        Assert.Equal(file, sample.DataSourceFingerprint);
        Assert.Equal(file, whole.DataFingerprint);
        Assert.Equal(file, whole.DataSourceFingerprint);
        Assert.Equal([sample.Id, whole.Id], store.List(new RunFilter { Data = ML.Data.Fingerprint.Short(file) }).Select(r => r.Id));
        Assert.Equal([sample.Id], store.List(new RunFilter { Data = ML.Data.Fingerprint.Short(sample.DataFingerprint) }).Select(r => r.Id));

        var lines = store.Compare(whole.Name, sample.Name).Lines.ToDictionary(l => (l.Section, l.Name));
        Assert.True(lines[("data", "fingerprint")].Differs);
        Assert.False(lines[("data", "source fingerprint")].Differs);

        // The name holds the whole file now: the run on the sample is stale, and says how the data was loaded.
        watch.Observe("iris", ML.Data.DataLoader.Load(Repo.Data("iris.csv")));
        Assert.Null(store.Show(whole.Id).Stale);
        Assert.StartsWith("'iris' has been reloaded from iris.csv since: it now holds data", store.Show(sample.Id).Stale, StringComparison.Ordinal);
        watch.Observe("iris", TrainedModels.IrisSampleData);
        Assert.Null(store.Show(sample.Id).Stale);
        Assert.Equal($"'iris' has been reloaded from iris.csv with --sample 100 --seed 3 since: it now holds data {ML.Data.Fingerprint.Short(sample.DataFingerprint)}, not {ML.Data.Fingerprint.Short(file)}. Retrain to get results for the current data.",
            store.Show(whole.Id).Stale);
    }

    [SkippableFact]
    public async Task Threads_writing_at_once_lose_nothing()
    {
        var store = Open();
        var keys = await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
            Enumerable.Range(0, 6).Select(i => store.Record(TrainedModels.IrisLbfgs, new RunContext { SaveModel = i == 0, Cell = $"{t}:{i}" }).Key).ToList())));
        var stored = store.List(new RunFilter { Limit = 100 });
        Assert.Equal(24, stored.Total);
        Assert.Equal(keys.SelectMany(k => k).Order(), stored.Select(r => r.Key).Order());
        Assert.Equal(24, stored.Select(r => r.Id).Distinct().Count());
    }

    [SkippableFact]
    public async Task A_process_killed_while_writing_loses_no_run_it_reported_saved()
    {
        var location = Location;
        RunStore.Open(location, models: Models).Dispose();
        var reported = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            using var crasher = Crasher.Start(location, 0, $"kill{round}", Models);
            await crasher.WaitForSavedAsync(5 + (round * 7), TimeSpan.FromMinutes(2));
            // Land the kill at a different point of the write loop each round: saving a model, committing, printing.
            await Task.Delay(round * 7);
            crasher.Kill();
            reported.AddRange(crasher.Saved);

            // The store opens, every reported run is there, and every run's model is whole.
            using var store = RunStore.Open(location, models: Models);
            var runs = store.List(new RunFilter { Limit = 10_000 });
            Assert.Subset(runs.Select(r => r.Key).ToHashSet(), reported.ToHashSet());
            Assert.All(runs, r => Assert.Equal(r.ModelHash, ModelFiles.Hash(r.ModelPath!)));
            AfterKill(store);
        }
    }

    [SkippableFact]
    public async Task Two_processes_writing_to_one_store_at_once_lose_nothing()
    {
        var location = Location;
        RunStore.Open(location, models: Models).Dispose();
        using var a = Crasher.Start(location, 25, "a", Models);
        using var b = Crasher.Start(location, 25, "b", Models);
        Assert.Equal(0, await a.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        Assert.Equal(0, await b.WaitForExitAsync(TimeSpan.FromMinutes(3)));

        using var store = RunStore.Open(location, models: Models);
        var runs = store.List(new RunFilter { Limit = 1000 });
        Assert.Equal(50, runs.Total);
        Assert.Equal(a.Saved.Concat(b.Saved).Order(), runs.Select(r => r.Key).Order());
        Assert.Equal(25, runs.Count(r => r.ModelVariable == "a"));
        Assert.Equal(50, runs.Select(r => r.Id).Distinct().Count());
        Assert.All(runs, r => Assert.Equal(r.ModelHash, ModelFiles.Hash(r.ModelPath!)));
    }

    /// <summary>Store-specific checks after a killed writer (SQLite: the file's integrity).</summary>
    protected virtual void AfterKill(RunStore store)
    {
    }

    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        Cleanup();
        try
        {
            Directory.Delete(Models, recursive: true);
        }
        catch (IOException)
        {
            // A child process may hold a file for a moment; the temp folder goes with the OS's cleanup.
        }

        GC.SuppressFinalize(this);
    }

    protected virtual void Cleanup()
    {
    }
}
