using System.Diagnostics;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Notebooks.ML.Data;

namespace Notebooks.ML.Training;

/// <summary>Trains and evaluates ML.NET models on DataFrames: the engine behind <c>#!train</c>.</summary>
public static class ModelTrainer
{
    internal const string LabelColumn = "Label";
    private const int Steps = 4;

    /// <summary>The trainer names <see cref="TrainOptions.Trainer"/> accepts (and <c>auto</c>).</summary>
    public static IReadOnlyList<string> Trainers => TrainerCatalog.Names;

    /// <summary>
    /// Featurizes <paramref name="frame"/>, trains on a seeded split, evaluates on the held-out rows and returns the
    /// model with its metrics, charts and provenance.
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
        var stopwatch = Stopwatch.StartNew();
        var source = Describe(frame, options.DataName);
        Report(progress, "Preparing data", 1, stopwatch, $"{frame.Rows.Count:N0} rows × {frame.Columns.Count} columns");

        if (string.IsNullOrWhiteSpace(options.Label))
        {
            throw Errors.Fail("#!train needs --label: the column to predict. Columns: " + string.Join(", ", frame.Columns.Select(c => c.Name)) + ".");
        }

        if (options.TestFraction is <= 0 or >= 1 || double.IsNaN(options.TestFraction))
        {
            throw Errors.BadOption("--test-fraction", Errors.Format(options.TestFraction), "a fraction between 0 and 1 (exclusive), such as 0.2");
        }

        var labelColumn = Columns.Find(frame, options.Label, "the label", source);
        var label = LabelPlan.Create(labelColumn, options.Task, source);
        var trainer = TrainerCatalog.Resolve(options.Trainer, label.Task);
        var features = FeaturePlan.Create(frame, options.Label, options, source);

        var labeled = Enumerable.Range(0, (int)frame.Rows.Count).Where(i => labelColumn[i] is not null).ToArray();
        var (trainRows, testRows) = Split(labeled, options.TestFraction, options.Seed);
        if (trainRows.Length < 2 || testRows.Length < 1)
        {
            throw Errors.Fail($"{source} has {labeled.Length} rows with a label: too few to hold out {options.TestFraction:P0} for testing. Use more data or another --test-fraction.");
        }

        var ml = new MLContext(options.Seed);
        using var cancel = cancellationToken.Register(() => CancelExecution(ml));
        var trainView = ToView(frame, trainRows, features, label, source);
        var testView = ToView(frame, testRows, features, label, source);
        var (estimator, settings) = TrainerCatalog.Create(ml, trainer, label.Task, options.Seed, options.Hyperparameters);
        var pipeline = features.Pipeline(ml, TrainerCatalog.Normalizes(trainer));
        if (label.Task == MLTask.Multiclass)
        {
            pipeline = pipeline.Append(ml.Transforms.Conversion.MapValueToKey(LabelColumn, keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue));
        }

        pipeline = pipeline.Append(estimator);
        if (label.Task == MLTask.Multiclass)
        {
            pipeline = pipeline.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        }

        cancellationToken.ThrowIfCancellationRequested();
        Report(progress, "Training", 2, stopwatch, $"{trainer} on {trainRows.Length:N0} rows, {features.Features.Count} feature columns");
        ITransformer model;
        try
        {
            model = pipeline.Fit(trainView);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Training was interrupted.", e, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        Report(progress, "Evaluating", 3, stopwatch, $"{testRows.Length:N0} held-out rows");
        var evaluation = Evaluation.Run(ml, model.Transform(testView), label);

        stopwatch.Stop();
        Report(progress, "Done", 4, stopwatch, "");
        return new TrainedModel(ml, model, trainView.Schema, label, features, new TrainedModelInfo(
            DataName: options.DataName,
            DataSource: DataProvenance.Of(frame)?.Source,
            DataFingerprint: Fingerprint.Of(frame),
            Trainer: trainer,
            Hyperparameters: settings,
            Seed: options.Seed,
            TestFraction: options.TestFraction,
            TrainRows: trainRows.Length,
            TestRows: testRows.Length,
            Duration: stopwatch.Elapsed,
            TrainedAt: DateTimeOffset.UtcNow),
            evaluation);
    }

    /// <summary>
    /// Asks ML.NET's running trainer to stop. <c>MLContext.CancelExecution</c> is not public in ML.NET 5; every
    /// trainer checks it between iterations, which is what makes interrupting a cell stop training promptly.
    /// </summary>
    private static void CancelExecution(MLContext ml) =>
        typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)
            ?.Invoke(ml, null);

    private static string Describe(DataFrame frame, string? name) =>
        name is not null ? $"'{name}'"
        : DataProvenance.Of(frame) is { } origin ? $"'{Path.GetFileName(origin.Source)}'"
        : "the DataFrame";

    private static void Report(IProgress<TrainingProgress>? progress, string phase, int step, Stopwatch stopwatch, string detail) =>
        progress?.Report(new TrainingProgress(phase, step, Steps, stopwatch.Elapsed, detail));

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

    internal static IDataView ToView(DataFrame frame, int[] rows, FeaturePlan features, LabelPlan label, string source)
    {
        var columns = features.ToMLColumns(frame, rows, source);
        var labelSource = frame.Columns.IndexOf(label.Column) >= 0 ? frame.Columns[label.Column] : null;
        DataFrameColumn labelColumn;
        if (labelSource is null)
        {
            // Predicting on data without the label: a placeholder keeps the pipeline's schema whole.
            labelColumn = label.Task switch
            {
                MLTask.Binary => new BooleanDataFrameColumn(LabelColumn, rows.Length),
                MLTask.Multiclass => new StringDataFrameColumn(LabelColumn, rows.Select(_ => label.Classes[0])),
                _ => new SingleDataFrameColumn(LabelColumn, rows.Length),
            };
        }
        else
        {
            var full = label.ToMLColumn(labelSource, LabelColumn);
            labelColumn = full.Clone(new Int32DataFrameColumn("rows", rows));
            labelColumn.SetName(LabelColumn);
        }

        columns.Add(labelColumn);
        return new DataFrame(columns);
    }
}
