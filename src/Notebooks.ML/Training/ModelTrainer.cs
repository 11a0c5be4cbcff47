using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Notebooks.ML.Data;
using Plotly.NET;

namespace Notebooks.ML.Training;

/// <summary>Trains and evaluates ML.NET models on DataFrames: the engine behind <c>#!train</c>.</summary>
public static class ModelTrainer
{
    internal const string LabelColumn = "Label";

    /// <summary>The multiclass label as text; the pipeline maps it to the <c>Label</c> key.</summary>
    internal const string SourceLabelColumn = "LabelText";

    private const int DefaultClusters = 3;

    /// <summary>The trainer names <see cref="TrainOptions.Trainer"/> accepts (besides <c>auto</c>).</summary>
    public static IReadOnlyList<string> Trainers => TrainerCatalog.Names;

    /// <summary>
    /// Featurizes <paramref name="frame"/>, trains on a seeded split (or K folds), evaluates on the held-out rows and
    /// returns the model with its metrics, charts, explanations and provenance.
    /// </summary>
    /// <exception cref="NotebookException">Bad options or data (unknown label, one class, bad --set …).</exception>
    /// <exception cref="OperationCanceledException">Training was interrupted through <paramref name="cancellationToken"/>.</exception>
    public static TrainedModel Train(
        DataFrame frame,
        TrainOptions options,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        var reporter = new ProgressReporter(progress);
        var source = Describe(frame, options.DataName);
        // A frame built in code is fingerprinted by hashing every value: that runs beside training (trainers
        // default to one thread), not before it.
        var fingerprint = Task.Run(() => Fingerprint.Of(frame), CancellationToken.None);
        reporter.Report("Preparing data", $"{frame.Rows.Count:N0} rows × {frame.Columns.Count} columns", 0.01);
        var run = Prepare(frame, options, source);
        cancellationToken.ThrowIfCancellationRequested();

        TrainedModel model;
        try
        {
            model = options.Folds is { } folds
                ? CrossValidate(run with { Fingerprint = fingerprint }, folds, reporter, cancellationToken)
                : HoldOut(run with { Fingerprint = fingerprint }, reporter, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not NotebookException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Training was interrupted.", e, cancellationToken);
        }

        reporter.Report("Done", "", 1);
        return model;
    }

    /// <summary>The run <paramref name="options"/> make of <paramref name="frame"/>, as a worker prepares it for trials.</summary>
    internal static TrainingRun Prepare(DataFrame frame, TrainOptions options) => Prepare(frame, options, Describe(frame, options.DataName));

    /// <summary>The trials' shared part for <paramref name="scheduler"/>: in this process the prepared run itself.</summary>
    internal static TrialJob Job(TrainingRun run, TrialScheduler scheduler) =>
        new(run.Frame, run.Options, () => run.Fingerprint?.GetAwaiter().GetResult() ?? Fingerprint.Of(run.Frame), scheduler is LocalTrials ? run : null);

    /// <summary>The held-out split: training rows and test rows.</summary>
    internal static (int[] Train, int[] Test) HoldOutRows(TrainingRun run) =>
        run.Modulus is { } n ? SplitByPosition(run.Labeled, n) : Split(run.Labeled, run.Options.TestFraction, run.Options.Seed);

    /// <summary>Checks the options against the data and decides the task, trainer, features and rows.</summary>
    private static TrainingRun Prepare(DataFrame frame, TrainOptions options, string source)
    {
        var clustering = string.Equals(options.Task.Trim(), "clustering", StringComparison.OrdinalIgnoreCase);
        if (!clustering && string.IsNullOrWhiteSpace(options.Label))
        {
            throw Errors.Fail("#!train needs --label: the column to predict. Columns: " + string.Join(", ", frame.Columns.Select(c => c.Name)) + ". (For clustering, without a label, use --task clustering.)");
        }

        if (options.Folds is null && (options.TestFraction is <= 0 or >= 1 || double.IsNaN(options.TestFraction)))
        {
            throw Errors.BadOption("--test-fraction", Errors.Format(options.TestFraction), "a fraction between 0 and 1 (exclusive), such as 0.2");
        }

        if (options.Folds is < 2)
        {
            throw Errors.BadOption("--folds", options.Folds.Value.ToString(CultureInfo.InvariantCulture), "a whole number of folds of at least 2, such as 5");
        }

        var modulus = SplitModulus(options.Split);
        if (options.Folds is not null && modulus is not null)
        {
            throw Errors.Fail($"--folds and --split {options.Split} each choose the test rows: use one of them.");
        }

        if (options.Clusters is < 2 && clustering)
        {
            throw Errors.BadOption("--k", options.Clusters.Value.ToString(CultureInfo.InvariantCulture), "a number of clusters of at least 2");
        }

        if (frame.Rows.Count == 0)
        {
            throw Errors.Fail($"{Capitalized(source)} has no rows to train on.");
        }

        DataFrameColumn? labelColumn = null;
        LabelPlan label;
        if (clustering)
        {
            if (!string.IsNullOrWhiteSpace(options.Label))
            {
                labelColumn = Columns.Find(frame, options.Label, "the label", source);
            }

            label = LabelPlan.Clustering(labelColumn?.Name);
        }
        else
        {
            labelColumn = Columns.Find(frame, options.Label, "the label", source);
            label = LabelPlan.Create(labelColumn, options.Task, source);
        }

        var search = options.Trainer.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) && (options.TimeBudget is not null || options.MaxTrials is not null);
        var trainer = search ? "auto" : TrainerCatalog.Resolve(options.Trainer, label.Task);
        if (search && options.Folds is not null)
        {
            throw Errors.Fail("--trainer auto with --time or --trials searches on a held-out split: use --test-fraction or --split, not --folds.");
        }

        if (search && label.Task == MLTask.Clustering)
        {
            throw Errors.Fail("--trainer auto cannot search for clustering (kmeans is the one clustering trainer). Try a few --k values instead.");
        }

        if (options.TimeBudget is <= 0 || (options.TimeBudget is { } t && double.IsNaN(t)))
        {
            throw Errors.BadOption("--time", Errors.Format(options.TimeBudget!.Value), "a number of seconds above 0, such as 60");
        }

        if (options.Threads is < 1)
        {
            throw Errors.BadOption("--threads", options.Threads.Value.ToString(CultureInfo.InvariantCulture), "a number of threads of at least 1 (or leave it out: every core where the result does not depend on it)");
        }

        if (options.MaxTrials is < 1)
        {
            throw Errors.BadOption("--trials", options.MaxTrials.Value.ToString(CultureInfo.InvariantCulture), "a number of trials of at least 1");
        }

        var features = FeaturePlan.Create(frame, clustering ? labelColumn?.Name : label.Column, options, source);
        var labeled = clustering || labelColumn is null
            ? Enumerable.Range(0, (int)frame.Rows.Count).ToArray()
            : Enumerable.Range(0, (int)frame.Rows.Count).Where(i => labelColumn[i] is not null).ToArray();
        if (options.Folds is { } folds && labeled.Length < folds)
        {
            throw Errors.Fail($"{Capitalized(source)} has {labeled.Length} rows with a label, fewer than --folds {folds}: each fold needs at least one row. Use fewer folds.");
        }

        // Hyperparameters are checked now, before any training, so that a typo fails at once.
        if (!search)
        {
            TrainerCatalog.Create(new MLContext(options.Seed), trainer, label.Task, options.Seed, options.Hyperparameters, options.Clusters ?? DefaultClusters);
        }

        return new TrainingRun(frame, source, options, label, features, labeled, trainer, modulus);
    }

    /// <summary>The N of <c>--split modN</c>, or null for a random split.</summary>
    private static int? SplitModulus(string split)
    {
        var value = split.Trim().ToLowerInvariant();
        if (value is "random" or "")
        {
            return null;
        }

        if (value.StartsWith("mod", StringComparison.Ordinal) && int.TryParse(value[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 2)
        {
            return n;
        }

        throw Errors.BadOption("--split", split, "random (a seeded shuffle; --test-fraction held out) or modN such as mod5 (rows whose 0-based index is a multiple of N are the test set)");
    }

    private static TrainedModel HoldOut(TrainingRun run, ProgressReporter reporter, CancellationToken cancellationToken)
    {
        var options = run.Options;
        var (trainRows, testRows) = HoldOutRows(run);
        if (trainRows.Length < 2 || testRows.Length < 1)
        {
            throw Errors.Fail($"{Capitalized(run.Source)} has {run.Labeled.Length} rows{(run.Label.Task == MLTask.Clustering ? "" : " with a label")}: too few to hold out {(run.Modulus is { } m ? $"every {m}th row" : options.TestFraction.ToString("P0", CultureInfo.InvariantCulture))} for testing. Use more data or another split.");
        }

        var trainer = run.Trainer;
        var hyperparameters = options.Hyperparameters;
        SearchResult? search = null;
        if (trainer == "auto")
        {
            search = AutoSearch.Run(run, reporter, cancellationToken);
            (trainer, hyperparameters) = (search.Winner.Trainer, search.Winner.Hyperparameters);
        }

        var fitStart = search is null ? 0.02 : 0.7;
        reporter.Report("Training", $"{trainer} on {trainRows.Length:N0} rows, {run.Features.Features.Count} feature columns", fitStart, search is null ? null : "refit of the winner");
        var fitted = Fit(run, trainer, hyperparameters, trainRows, cancellationToken);

        reporter.Report("Evaluating", $"{testRows.Length:N0} held-out rows", 0.8);
        var testView = ToView(run.Frame, testRows, run.Features, run.Label, run.Source);
        // Cached: the evaluator and the charts read the same predictions, which are computed once.
        var predictions = fitted.Ml.Data.Cache(fitted.Model.Transform(testView));
        var metrics = Evaluation.Metrics(fitted.Ml, predictions, run.Label);
        var scored = Evaluation.Extract(predictions, run.Label);
        var charts = Evaluation.Charts(scored, run.Label, metrics);
        if (search is not null)
        {
            charts.Add(search.Chart);
        }

        var explanation = Explain(run, fitted, trainRows, testRows, reporter, 0.85, cancellationToken);
        charts.AddRange(explanation.Charts);
        var split = run.Modulus is { } mod
            ? $"rows whose 0-based index (among labelled rows) % {mod} == 0 held out"
            : $"seeded random split, {options.TestFraction.ToString("P0", CultureInfo.InvariantCulture)} held out";
        return Build(run, fitted, reporter, metrics, null, charts, explanation, search, split, trainRows.Length, testRows.Length);
    }

    private static TrainedModel CrossValidate(TrainingRun run, int folds, ProgressReporter reporter, CancellationToken cancellationToken)
    {
        var options = run.Options;
        var (primary, _) = Evaluation.Primary(run.Label.Task);
        var scheduler = options.Scheduler ?? LocalTrials.EveryCore;
        var specs = Enumerable.Range(0, folds)
            .Select(fold => new TrialSpec(fold + 1, run.Trainer, options.Hyperparameters, new TrialRows(TrialKind.Fold, Fold: fold, Folds: folds), options.Seed))
            .ToList();
        var finished = new List<double>();
        var running = new SortedDictionary<int, string>();
        void Report(TrialEvent e)
        {
            if (e.Outcome is { } outcome)
            {
                finished.Add(outcome.Metric);
            }

            if (e.Outcome is null && e.Requeued is null)
            {
                running[e.Trial.Number] = $"fold {e.Trial.Number} on {e.Worker}";
            }
            else
            {
                running.Remove(e.Trial.Number);
            }

            var best = finished.Count == 0 ? null : $"mean {primary} so far {Html(finished.Average())}";
            var detail = e.Requeued is { } why ? $"fold {e.Trial.Number} runs again: {e.Worker} was lost ({why})"
                : $"{run.Trainer}, {folds} folds of {run.Labeled.Length:N0} rows" + (running.Count == 0 ? "" : "; running " + string.Join(", ", running.Values));
            reporter.Report("Cross-validating", detail, 0.02 + (0.75 * finished.Count / (folds + 1)), $"fold {Math.Min(folds, finished.Count + 1)} of {folds}", best);
        }

        // The final model does not depend on the folds: on this machine's cores it trains beside them, with as many
        // threads as each fold has (LightGBM crashed when fits of different thread counts ran at once in one
        // process); elsewhere, or one trial at a time, it trains after them on every core.
        Task<Fitted>? refit = null;
        if (scheduler is LocalTrials { Slots: > 1 } local)
        {
            var share = Math.Max(1, local.Slots / Math.Min(local.Slots, folds));
            var cores = TrialRunner.Cores(specs[0] with { Share = share }, local.Slots);
            var refitThreads = TrainerCatalog.Threads(run.Trainer, TrainerCatalog.ThreadDependence(run.Trainer) is null ? null : options.Threads, cores).Threads;
            refit = Task.Run(
                () =>
                {
                    // The refit is kept here, so it takes the home lane, as one more trial would.
                    using var lane = local.Lanes.Take(home: true, cancellationToken);
                    return Fit(run, run.Trainer, options.Hyperparameters, run.Labeled, cancellationToken, threads: refitThreads);
                },
                cancellationToken);
        }

        IReadOnlyList<TrialOutcome?> outcomes;
        try
        {
            outcomes = TrialDispatcher.RunAsync(scheduler, Job(run, scheduler), specs, spec => spec, Report, cancellationToken).GetAwaiter().GetResult();
        }
        catch
        {
            _ = refit?.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }

        var perFold = new List<IReadOnlyDictionary<string, double>>();
        var scoredParts = new List<Scored>();
        foreach (var outcome in outcomes)
        {
            if (outcome is not { Status: "finished", Scored: { } scored })
            {
                throw Errors.Fail($"Fold {outcome?.Number} of {folds} failed ({outcome?.Status}) on {outcome?.Worker}.");
            }

            perFold.Add(outcome.Metrics);
            scoredParts.Add(scored);
        }

        var names = perFold[0].Keys.ToArray();
        var mean = names.ToDictionary(n => n, n => perFold.Average(m => m[n]));
        var std = names.ToDictionary(n => n, n => Math.Sqrt(perFold.Sum(m => (m[n] - mean[n]) * (m[n] - mean[n])) / Math.Max(1, folds - 1)));
        var charts = Evaluation.Charts(Scored.Concat(scoredParts), run.Label, mean, "out-of-fold rows");

        reporter.Report("Training", $"final model on all {run.Labeled.Length:N0} rows", 0.02 + (0.75 * folds / (folds + 1)), "refit", $"mean {primary} {Html(mean[primary])}");
        var final = refit?.GetAwaiter().GetResult() ?? Fit(run, run.Trainer, options.Hyperparameters, run.Labeled, cancellationToken);
        var (firstTrain, firstTest) = TrialRunner.Rows(run, specs[0].Rows);
        // The first fold's model explains the cross-validated one; a fold that ran on another machine is refit here (same seed, same model).
        var first = outcomes[0]!.Fitted ?? (options.Explain ? Fit(run, run.Trainer, options.Hyperparameters, firstTrain, cancellationToken) : final);
        var explanation = Explain(run, first, firstTrain, firstTest, reporter, 0.8, cancellationToken);
        charts.AddRange(explanation.Charts);
        return Build(run, final, reporter, mean, std, charts, explanation, null,
            $"{folds}-fold cross-validation (seeded); metrics are the mean over folds, charts use every row's out-of-fold prediction; the model is refit on all rows",
            run.Labeled.Length, run.Labeled.Length, perFold);
    }

    private static string Capitalized(string text) => text.Length > 0 ? char.ToUpperInvariant(text[0]) + text[1..] : text;

    private static string Html(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static TrainedModel Build(
        TrainingRun run, Fitted fitted, ProgressReporter reporter, IReadOnlyDictionary<string, double> metrics,
        IReadOnlyDictionary<string, double>? spread, List<GenericChart> charts, Explanation explanation,
        SearchResult? search, string split, int trainRows, int testRows, IReadOnlyList<IReadOnlyDictionary<string, double>>? folds = null)
    {
        var options = run.Options;
        var threads = TrainerCatalog.Threads(fitted.Trainer, options.Threads, Environment.ProcessorCount);
        if (threads.Threads != fitted.Threads)
        {
            threads = (fitted.Threads, $"{fitted.Threads}, beside the folds, which had the other cores (the model does not depend on the thread count)");
        }

        var trainerReason = search is not null
            ? $"auto: best of {search.Trials.Count} search trials by validation {Evaluation.Primary(run.Label.Task).Name}"
            : options.Trainer.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? $"auto: the default for {run.Label.Task.ToString().ToLowerInvariant()}" : "asked for";
        var info = new TrainedModelInfo(
            DataName: options.DataName,
            DataSource: DataProvenance.Of(run.Frame)?.Source,
            DataFingerprint: run.Fingerprint?.GetAwaiter().GetResult() ?? Fingerprint.Of(run.Frame),
            Trainer: fitted.Trainer,
            Hyperparameters: fitted.Settings,
            Seed: options.Seed,
            TestFraction: options.TestFraction,
            TrainRows: trainRows,
            TestRows: testRows,
            Duration: reporter.Elapsed,
            TrainedAt: DateTimeOffset.UtcNow)
        {
            Split = split,
            Folds = options.Folds,
            TrainerReason = trainerReason,
            Threads = threads.Threads,
            ThreadsReason = threads.Reason,
            DataSourceFingerprint = DataProvenance.Of(run.Frame)?.SourceFingerprint,
        };
        return new TrainedModel(fitted.Ml, fitted.Model, fitted.InputSchema, run.Label, run.Features, info, metrics, spread, charts, explanation.Importance, search?.Trials ?? [])
        {
            LearningCurve = explanation.Curve,
            FoldMetrics = folds ?? [],
            Inputs = ModelInputs.Describe(run.Frame, run.Features, run.Labeled),
            ReferenceSample = Drift.ReferenceSamples.Draw(run.Frame, run.Features.Features.Select(f => f.Column).Append(run.Label.Column), options.Seed),
        };
    }

    /// <summary>
    /// Fits featurizer and trainer on <paramref name="rows"/>, in a fresh seeded MLContext, on <paramref name="threads"/>
    /// threads (default: <see cref="TrainerCatalog.Threads"/> of the run's options on every core).
    /// </summary>
    internal static Fitted Fit(TrainingRun run, string trainer, IReadOnlyDictionary<string, string> hyperparameters, int[] rows, CancellationToken cancellationToken, int? seed = null, int? threads = null)
    {
        if (!TrainerCatalog.UsesOpenMP(trainer))
        {
            return FitHere(run, trainer, hyperparameters, rows, cancellationToken, seed, threads);
        }

        // OpenMP keeps each OS thread's thread count between calls, and LightGBM sizes its per-thread buffers by it
        // when it creates a dataset: on a thread that an earlier fit left at another count, filling the dataset
        // overran them (a crash in SparseBin::Push when trials of 1 and 2 threads shared a process). A fresh thread
        // per fit starts from a clean slate.
        Fitted? fitted = null;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                fitted = FitHere(run, trainer, hyperparameters, rows, cancellationToken, seed, threads);
            }
#pragma warning disable CA1031 // Rethrown on the calling thread, as it was.
            catch (Exception e)
#pragma warning restore CA1031
            {
                error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = "Notebooks.ML fit",
        };
        thread.Start();
        thread.Join();
        error?.Throw();
        return fitted!;
    }

    private static Fitted FitHere(TrainingRun run, string trainer, IReadOnlyDictionary<string, string> hyperparameters, int[] rows, CancellationToken cancellationToken, int? seed, int? threads)
    {
        cancellationToken.ThrowIfCancellationRequested();
        NativeThreads.PreferPassiveWaiting();
        var ml = new MLContext(seed ?? run.Options.Seed);
        using var cancel = cancellationToken.Register(() => CancelExecution(ml));
        var view = ToView(run.Frame, rows, run.Features, run.Label, run.Source);
        var featurizer = run.Features.Pipeline(ml, TrainerCatalog.Normalizes(trainer), run.Features.HasMissingNumbers || !TrainerCatalog.HandlesMissing(trainer)).Fit(view);
        var featurized = featurizer.Transform(view);
        if (TrainerCatalog.WantsCache(trainer))
        {
            featurized = ml.Data.Cache(featurized);
        }

        var threadCount = threads ?? TrainerCatalog.Threads(trainer, run.Options.Threads, Environment.ProcessorCount).Threads;
        var (estimator, settings) = TrainerCatalog.Create(ml, trainer, run.Label.Task, seed ?? run.Options.Seed, hyperparameters, run.Options.Clusters ?? DefaultClusters, threadCount);
        ITransformer trained;
        if (run.Label.Task == MLTask.Multiclass)
        {
            trained = ml.Transforms.Conversion.MapValueToKey(LabelColumn, SourceLabelColumn, keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
                .Append(estimator)
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
                .Fit(featurized);
        }
        else
        {
            trained = estimator.Fit(featurized);
            if (run.Label.Task == MLTask.Binary && trained.GetOutputSchema(featurized.Schema).GetColumnOrNull("Probability") is null)
            {
                // Averaged perceptron and the forest give scores without probabilities: Platt scaling adds them.
                var calibrator = ml.BinaryClassification.Calibrators.Platt().Fit(trained.Transform(featurized));
                trained = new TransformerChain<ITransformer>(trained, calibrator);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var model = new TransformerChain<ITransformer>(featurizer, trained);
        return new Fitted(ml, trainer, hyperparameters, settings, featurizer, trained, model, view.Schema) { Threads = threadCount };
    }

    /// <summary>
    /// Asks ML.NET's running trainer to stop. <c>MLContext.CancelExecution</c> is not public in ML.NET 5; every
    /// trainer checks it between iterations, which is what makes interrupting a cell stop training promptly.
    /// </summary>
    internal static void CancelExecution(MLContext ml) =>
        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?.Invoke(ml, null);

    private static string Describe(DataFrame frame, string? name) =>
        name is not null ? $"'{name}'"
        : DataProvenance.Of(frame) is { } origin ? $"'{Path.GetFileName(origin.Source)}'"
        : "the DataFrame";

    /// <summary>A seeded shuffle; the first <paramref name="testFraction"/> of it is the test set.</summary>
    internal static (int[] Train, int[] Test) Split(int[] rows, double testFraction, int seed)
    {
        var shuffled = rows.ToArray();
        new Random(seed).Shuffle(shuffled);
        var testCount = (int)Math.Round(rows.Length * testFraction);
        var test = shuffled[..testCount];
        var train = shuffled[testCount..];
        Array.Sort(test);
        Array.Sort(train);
        return (train, test);
    }

    /// <summary>The rows at positions 0, N, 2N … are the test set (<c>--split modN</c>).</summary>
    internal static (int[] Train, int[] Test) SplitByPosition(int[] rows, int modulus) =>
        (rows.Where((_, i) => i % modulus != 0).ToArray(), rows.Where((_, i) => i % modulus == 0).ToArray());

    /// <summary>Permutation importance and a learning curve, unless <see cref="TrainOptions.Explain"/> is off.</summary>
    private static Explanation Explain(TrainingRun run, Fitted fitted, int[] trainRows, int[] evalRows, ProgressReporter reporter, double at, CancellationToken cancellationToken)
    {
        if (!run.Options.Explain)
        {
            return new Explanation([], null, []);
        }

        reporter.Report("Explaining", $"permutation importance of {run.Features.Features.Count} columns", at);
        var importance = Explainer.Importance(run, fitted, evalRows, cancellationToken);
        reporter.Report("Explaining", "learning curve", at + ((1 - at) / 2));
        var curve = Explainer.Curve(run, fitted, trainRows, evalRows, cancellationToken);
        var (metric, _) = Evaluation.Primary(run.Label.Task);
        var charts = new List<GenericChart>();
        if (importance.Count > 0)
        {
            var drop = run.Label.Task == MLTask.Clustering ? "share of rows changing cluster" : metric;
            charts.Add(Charts.ModelCharts.FeatureImportance(importance.Select(i => i.Column).ToArray(), importance.Select(i => i.Drop).ToArray(), drop));
        }

        if (curve is not null)
        {
            charts.Add(Charts.ModelCharts.LearningCurve(curve.Axis, curve.Steps, curve.Validation, curve.Training, curve.Metric));
        }

        return new Explanation(importance, curve, charts);
    }

    internal static ColumnTable ToView(DataFrame frame, int[] rows, FeaturePlan features, LabelPlan label, string source)
    {
        var columns = features.ToMLColumns(frame, rows, source);
        var labelSource = label.Column.Length > 0 && frame.Columns.IndexOf(label.Column) >= 0 ? frame.Columns[label.Column] : null;
        var labelName = label.Task == MLTask.Multiclass ? SourceLabelColumn : LabelColumn;
        Array values;
        if (labelSource is null || label.Task == MLTask.Clustering)
        {
            // Predicting on data without the label: a placeholder keeps the pipeline's schema whole.
            values = label.Task switch
            {
                MLTask.Binary => new bool[rows.Length],
                MLTask.Multiclass => rows.Select(_ => label.Classes[0].AsMemory()).ToArray(),
                _ => new float[rows.Length],
            };
        }
        else
        {
            values = label.Task switch
            {
                MLTask.Binary => BinaryLabel(labelSource, label.Classes[1], rows),
                MLTask.Multiclass => Columns.AsText(labelSource) is var names ? rows.Select(r => (names[r] ?? "").AsMemory()).ToArray() : [],
                _ => FastColumns.Floats(labelSource, rows),
            };
        }

        columns.Add((labelName, values));
        return new ColumnTable(columns, features.NumericColumn, features.NumericSlots);
    }

    /// <summary>Whether each row holds the positive class; numbers are compared as numbers, without formatting each one.</summary>
    private static bool[] BinaryLabel(DataFrameColumn column, string positive, int[] rows)
    {
        if (Columns.IsNumeric(column) && double.TryParse(positive, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            var numbers = FastColumns.Floats(column, rows);
            return numbers.Select(v => v == (float)value).ToArray();
        }

        var text = Columns.AsText(column);
        return rows.Select(r => text[r] == positive).ToArray();
    }

    /// <summary>Progress with a throttle-free clock: the magic decides how often to draw.</summary>
    internal sealed class ProgressReporter(IProgress<TrainingProgress>? sink)
    {
        private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
        private int _step;

        public TimeSpan Elapsed => _stopwatch.Elapsed;

        public void Report(string phase, string detail, double fraction, string? counter = null, string? best = null)
        {
            _step++;
            var elapsed = _stopwatch.Elapsed;
            TimeSpan? remaining = fraction is > 0.05 and < 1 && elapsed.TotalSeconds > 0.5
                ? TimeSpan.FromSeconds(elapsed.TotalSeconds / fraction * (1 - fraction))
                : null;
            sink?.Report(new TrainingProgress(phase, _step, Math.Max(_step, 1), elapsed, detail)
            {
                Fraction = Math.Clamp(fraction, 0, 1),
                Remaining = remaining,
                Counter = counter,
                Best = best,
            });
        }
    }
}

/// <summary>One call of <see cref="ModelTrainer.Train"/>: the data and the decisions made about it.</summary>
internal sealed record TrainingRun(DataFrame Frame, string Source, TrainOptions Options, LabelPlan Label, FeaturePlan Features, int[] Labeled, string Trainer, int? Modulus)
{
    /// <summary>The data's fingerprint, computed beside training.</summary>
    public Task<string>? Fingerprint { get; init; }
}

/// <summary>A fitted pipeline: the featurizer and the trainer's part kept apart so that explanations can reach the trees.</summary>
internal sealed record Fitted(MLContext Ml, string Trainer, IReadOnlyDictionary<string, string> Requested, IReadOnlyDictionary<string, string> Settings, ITransformer Featurizer, ITransformer Head, ITransformer Model, DataViewSchema InputSchema)
{
    /// <summary>The threads the trainer ran on.</summary>
    public int Threads { get; init; } = 1;
}

internal sealed record Explanation(IReadOnlyList<FeatureImportance> Importance, LearningCurve? Curve, IReadOnlyList<GenericChart> Charts);
