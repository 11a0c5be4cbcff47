using System.IO.Compression;
using System.Text.Json;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using Notebooks.ML.Data;
using Plotly.NET;

namespace Notebooks.ML.Training;

/// <summary>Where a model came from: data, trainer, settings, seed and timing.</summary>
/// <param name="DataName">The data's name in the notebook, when known.</param>
/// <param name="DataSource">The file the data was loaded from, when known.</param>
/// <param name="DataFingerprint">
/// The data fingerprint of the training data, which identifies the data (see <see cref="LoadedData.Fingerprint"/>):
/// another <c>--sample</c>, <c>--where</c> … of the same file is other data.
/// </param>
/// <param name="Trainer">The trainer's name.</param>
/// <param name="Hyperparameters">The trainer settings that shaped the model, by ML.NET option name.</param>
/// <param name="Seed">The seed of the split and the trainer.</param>
/// <param name="TestFraction">The held-out fraction (for a random split).</param>
/// <param name="TrainRows">Rows trained on.</param>
/// <param name="TestRows">Rows evaluated on.</param>
/// <param name="Duration">Wall time of the whole run.</param>
/// <param name="TrainedAt">When training finished (UTC).</param>
public sealed record TrainedModelInfo(
    string? DataName,
    string? DataSource,
    string DataFingerprint,
    string Trainer,
    IReadOnlyDictionary<string, string> Hyperparameters,
    int Seed,
    double TestFraction,
    int TrainRows,
    int TestRows,
    TimeSpan Duration,
    DateTimeOffset TrainedAt)
{
    /// <summary>How the test rows were chosen, in words.</summary>
    public string Split { get; init; } = "";

    /// <summary>The number of cross-validation folds, when the metrics come from K folds.</summary>
    public int? Folds { get; init; }

    /// <summary>Why this trainer: asked for, the task's default, or the winner of a search.</summary>
    public string TrainerReason { get; init; } = "asked for";

    /// <summary>The threads the model was trained on (searches and folds ran their trials one thread each).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Why that many threads: every core, asked for, or one because the trainer's model depends on it.</summary>
    public string ThreadsReason { get; init; } = "";
    /// <summary>
    /// The fingerprint of the file the data was loaded from (its bytes, see <see cref="LoadedData.SourceFingerprint"/>),
    /// or <see langword="null"/> for data built in code (and models saved before it was recorded).
    /// </summary>
    public string? DataSourceFingerprint { get; init; }
}

/// <summary>A model's metrics and charts on some labelled data (<see cref="TrainedModel.EvaluateWithCharts"/>).</summary>
/// <param name="Metrics">Metric name (as ML.NET spells it) → value.</param>
/// <param name="Charts">The task's evaluation charts.</param>
/// <param name="Rows">The rows evaluated (rows with a missing label are left out).</param>
public sealed record ModelEvaluation(IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<GenericChart> Charts, int Rows);

/// <summary>A trained model with its metrics, charts and provenance: what <c>#!train --as NAME</c> puts in NAME.</summary>
public sealed class TrainedModel
{
    /// <summary>The zip entry that carries Notebooks.ML's metadata beside ML.NET's own entries.</summary>
    internal const string MetadataEntry = "NotebooksML/model.json";

    /// <summary>The zip entry that carries the reference sample (Arrow IPC, Brotli-compressed; see <see cref="ArrowFrames"/>).</summary>
    internal const string ReferenceEntry = "NotebooksML/reference.arrow";

    private static readonly JsonSerializerOptions _json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly DataViewSchema _inputSchema;
    private readonly LabelPlan _label;
    private readonly FeaturePlan _features;

    internal TrainedModel(
        MLContext ml, ITransformer model, DataViewSchema inputSchema, LabelPlan label, FeaturePlan features, TrainedModelInfo info,
        IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, double>? spread, IReadOnlyList<GenericChart> charts,
        IReadOnlyList<FeatureImportance> importance, IReadOnlyList<SearchTrial> leaderboard)
    {
        _ml = ml;
        _model = model;
        _inputSchema = inputSchema;
        _label = label;
        _features = features;
        Info = info;
        Metrics = metrics;
        MetricsSpread = spread;
        Charts = charts;
        Importance = importance;
        Leaderboard = leaderboard;
    }

    /// <summary>The kind of prediction.</summary>
    public MLTask Task => _label.Task;

    /// <summary>Whether the task was inferred from the label, and why.</summary>
    public string TaskReason => _label.Inferred ? $"inferred: {_label.Reason}" : "asked for";

    /// <summary>The label column (empty for clustering without one).</summary>
    public string Label => _label.Column;

    /// <summary>The classes, in order (classification only); for binary tasks the second is the positive class.</summary>
    public IReadOnlyList<string> Classes => _label.Classes;

    /// <summary>The feature columns and how each was featurized.</summary>
    public IReadOnlyList<FeatureColumn> Features => _features.Features;

    /// <summary>Columns left out of the features, with the reason.</summary>
    public IReadOnlyList<SkippedColumn> Skipped => _features.Skipped;

    /// <summary>
    /// Metric name (as ML.NET spells it: <c>Accuracy</c>, <c>AreaUnderRocCurve</c>, <c>RSquared</c> …) → value on
    /// the test set, or the mean over folds with <c>--folds</c>.
    /// </summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>With <c>--folds</c>: metric name → standard deviation over the folds; otherwise null.</summary>
    public IReadOnlyDictionary<string, double>? MetricsSpread { get; }

    /// <summary>With <c>--folds</c>: each fold's metrics, in fold order (the run log keeps them); otherwise empty.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> FoldMetrics { get; init; } = [];

    /// <summary>Task-specific evaluation charts, feature importance, learning curve and search charts.</summary>
    public IReadOnlyList<GenericChart> Charts { get; }

    /// <summary>Permutation feature importance, most important first (empty when not computed).</summary>
    public IReadOnlyList<FeatureImportance> Importance { get; }

    /// <summary>The learning curve behind the chart (null when not computed).</summary>
    public LearningCurve? LearningCurve { get; init; }

    /// <summary>The trials of <c>--trainer auto</c>, in the order they ran (empty otherwise).</summary>
    public IReadOnlyList<SearchTrial> Leaderboard { get; }

    /// <summary>Provenance: data fingerprint, trainer, hyperparameters, seed, timing.</summary>
    public TrainedModelInfo Info { get; }

    /// <summary>Package versions the model was trained with.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = ML.Versions.All;

    /// <summary>
    /// Up to 100,000 rows of the training data's input columns and label, drawn with the training seed: what
    /// <c>#!drift MODEL …</c> compares new data with. Saved in the model zip (so every run keeps it) and loaded back;
    /// <see langword="null"/> for a model saved before Notebooks.ML kept one.
    /// </summary>
    public DataFrame? ReferenceSample
    {
        get => _referenceSample?.Value;
        init => _referenceSample = new Lazy<DataFrame?>(value);
    }

    /// <summary>A loaded model's sample is decoded when first asked for: a served model never pays for it (nor loads Arrow).</summary>
    private Lazy<DataFrame?>? _referenceSample;

    /// <summary>The ML.NET model: featurization and trainer, taking the columns <c>f0</c>, <c>f1</c> … that <see cref="Predict"/> prepares.</summary>
    public ITransformer MLModel => _model;

    /// <summary>
    /// The columns the model takes, in feature order: name, type, whether training saw missing values, and one real
    /// training row's value. Serving checks requests against these and documents them.
    /// </summary>
    public IReadOnlyList<ModelInputColumn> Inputs { get; init; } = [];

    /// <summary>The columns <see cref="Predict"/> adds, in order (<c>PredictedLabel</c>, <c>Probability</c> …).</summary>
    public IReadOnlyList<ModelOutputColumn> Outputs => ModelInputs.Outputs(Task);

    /// <summary>
    /// A single-row predictor over this model (like ML.NET's <c>PredictionEngine</c>): fast for one row at a time,
    /// exactly what <see cref="Predict"/> gives, not thread-safe.
    /// </summary>
    public ModelScorer CreateScorer() => new(this, _model, _inputSchema, _features, _label);

    /// <summary>
    /// Returns <paramref name="data"/> with prediction columns added: <c>PredictedLabel</c> and <c>Probability</c>
    /// (classification: of the positive class for binary, of the predicted class for multiclass), <c>Score</c>
    /// (regression) or <c>Cluster</c> and <c>Distance</c> (clustering).
    /// </summary>
    public DataFrame Predict(DataFrame data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var rows = Enumerable.Range(0, (int)data.Rows.Count).ToArray();
        var predictions = _model.Transform(ModelTrainer.ToView(data, rows, _features, _label, "the data to predict on"));
        var added = new List<DataFrameColumn>();
        switch (Task)
        {
            case MLTask.Binary:
                var predicted = predictions.GetColumn<bool>("PredictedLabel").ToArray();
                added.Add(new StringDataFrameColumn("PredictedLabel", predicted.Select(p => p ? Classes[1] : Classes[0])));
                added.Add(new SingleDataFrameColumn("Probability", predictions.GetColumn<float>("Probability")));
                break;
            case MLTask.Multiclass:
                added.Add(new StringDataFrameColumn("PredictedLabel", predictions.GetColumn<ReadOnlyMemory<char>>("PredictedLabel").Select(p => p.ToString())));
                added.Add(new SingleDataFrameColumn("Probability", predictions.GetColumn<float[]>("Score").Select(s => s.Length == 0 ? float.NaN : s.Max())));
                break;
            case MLTask.Regression:
                added.Add(new SingleDataFrameColumn("Score", predictions.GetColumn<float>("Score")));
                break;
            default:
                var clusters = predictions.GetColumn<uint>("PredictedLabel").ToArray();
                added.Add(new Int32DataFrameColumn("Cluster", clusters.Select(c => (int)c)));
                added.Add(new SingleDataFrameColumn("Distance", predictions.GetColumn<float[]>("Score").Select((d, i) => d[clusters[i] - 1])));
                break;
        }

        var result = data.Clone();
        foreach (var column in added)
        {
            if (result.Columns.IndexOf(column.Name) >= 0)
            {
                result.Columns.Remove(column.Name);
            }

            result.Columns.Add(column);
        }

        return result;
    }

    /// <summary>The metrics of this model on other labelled data (rows with a missing label are left out).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(DataFrame data) => EvaluateWithCharts(data).Metrics;

    /// <summary>The metrics and the task's charts of this model on other labelled data.</summary>
    public ModelEvaluation EvaluateWithCharts(DataFrame data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var source = DataProvenance.Of(data) is { } origin ? $"'{Path.GetFileName(origin.Source)}'" : "the data to evaluate on";
        int[] rows;
        if (Task == MLTask.Clustering)
        {
            rows = Enumerable.Range(0, (int)data.Rows.Count).ToArray();
        }
        else
        {
            var labelColumn = Columns.Find(data, Label, "the label", source);
            rows = Enumerable.Range(0, (int)data.Rows.Count).Where(i => labelColumn[i] is not null).ToArray();
            if (Task is MLTask.Regression && !Columns.IsNumeric(labelColumn))
            {
                throw Errors.Fail($"The label column '{Label}' in {source} holds {ColumnSummary.TypeName(labelColumn.DataType)} values, but this regression model predicts numbers.");
            }
        }

        if (rows.Length == 0)
        {
            throw Errors.Fail($"{source} has no rows with a label '{Label}' to evaluate on.");
        }

        var predictions = _ml.Data.Cache(_model.Transform(ModelTrainer.ToView(data, rows, _features, _label, source)));
        var metrics = Evaluation.Metrics(_ml, predictions, _label);
        var charts = Evaluation.Charts(Evaluation.Extract(predictions, _label), _label, metrics, "evaluated rows");
        return new ModelEvaluation(metrics, charts, rows.Length);
    }

    /// <summary>
    /// Saves the model as an ML.NET zip (<c>MLContext.Model.Load</c> reads it as it is), with Notebooks.ML's
    /// metadata (label, classes, features, metrics, provenance) in one more entry, so that <see cref="Load"/>
    /// gives back a model that predicts on DataFrames.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } folder && !Directory.Exists(folder))
        {
            throw Errors.Fail($"Cannot save the model to '{path}': the folder '{folder}' does not exist.");
        }

        _ml.Model.Save(_model, _inputSchema, full);
        using var zip = ZipFile.Open(full, ZipArchiveMode.Update);
        var entry = zip.CreateEntry(MetadataEntry);
        using var stream = entry.Open();
        JsonSerializer.Serialize(stream, new ModelMetadata(
            FormatVersion: 1,
            Label: _label.Column,
            Task: _label.Task,
            Classes: _label.Classes,
            Inferred: _label.Inferred,
            Reason: _label.Reason,
            Features: _features.Features,
            Skipped: _features.Skipped,
            Info: Info,
            Metrics: Metrics,
            MetricsSpread: MetricsSpread,
            Importance: Importance,
            Versions: Versions)
        {
            Inputs = Inputs,
        }, _json);
        stream.Dispose();
        if (ReferenceSample is { } reference)
        {
            // Already compressed: stored as it is.
            using var sample = zip.CreateEntry(ReferenceEntry, CompressionLevel.NoCompression).Open();
            ArrowFrames.Write(reference, sample);
        }
    }

    /// <summary>Loads a model that <see cref="Save"/> wrote (metrics and provenance come back; charts do not).</summary>
    /// <exception cref="NotebookException">The file is missing or was not written by <see cref="Save"/>.</exception>
    public static TrainedModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw Errors.FileNotFound(path);
        }

        ModelMetadata metadata;
        byte[]? reference = null;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var entry = zip.GetEntry(MetadataEntry)
                ?? throw Errors.Fail($"'{path}' is an ML.NET model without Notebooks.ML's metadata (no {MetadataEntry} inside): load it with MLContext.Model.Load instead.");
            using var stream = entry.Open();
            metadata = JsonSerializer.Deserialize<ModelMetadata>(stream, _json)
                ?? throw Errors.Fail($"The metadata in '{path}' is empty.");
            if (zip.GetEntry(ReferenceEntry) is { } sampleEntry)
            {
                using var sampleStream = sampleEntry.Open();
                using var bytes = new MemoryStream();
                sampleStream.CopyTo(bytes);
                reference = bytes.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            throw new NotebookException($"'{path}' is not a model zip: {e.Message}", e);
        }

        var ml = new MLContext(metadata.Info.Seed);
        var model = ml.Model.Load(path, out var schema);
        var label = new LabelPlan(metadata.Label, metadata.Task, metadata.Classes.ToArray(), metadata.Inferred, metadata.Reason);
        var features = new FeaturePlan(metadata.Features, metadata.Skipped);
        return new TrainedModel(ml, model, schema, label, features, metadata.Info, metadata.Metrics, metadata.MetricsSpread, [], metadata.Importance, [])
        {
            Versions = metadata.Versions,
            // Zips saved before inputs were recorded: types from the featurization, no example row.
            Inputs = metadata.Inputs ?? ModelInputs.Guess(metadata.Features),
            _referenceSample = reference is null ? null : new Lazy<DataFrame?>(() => ArrowFrames.FromBytes(reference)),
        };
    }

    /// <summary>A short description, as C# cells print it without the HTML formatter.</summary>
    public override string ToString() =>
        $"{Info.Trainer} {Task.ToString().ToLowerInvariant()} model of '{Label}': " +
        string.Join(", ", Metrics.Select(m => $"{m.Key} {Errors.Format(m.Value)}"));
}

/// <summary>What <see cref="TrainedModel.Save"/> writes beside ML.NET's entries.</summary>
internal sealed record ModelMetadata(
    int FormatVersion,
    string Label,
    MLTask Task,
    IReadOnlyList<string> Classes,
    bool Inferred,
    string Reason,
    IReadOnlyList<FeatureColumn> Features,
    IReadOnlyList<SkippedColumn> Skipped,
    TrainedModelInfo Info,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double>? MetricsSpread,
    IReadOnlyList<FeatureImportance> Importance,
    IReadOnlyDictionary<string, string> Versions)
{
    /// <summary>The model's input columns (serving); absent from zips saved before they were recorded.</summary>
    public IReadOnlyList<ModelInputColumn>? Inputs { get; init; }
}
