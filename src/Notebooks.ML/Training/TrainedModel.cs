using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using Notebooks.ML.Data;
using Plotly.NET;

namespace Notebooks.ML.Training;

/// <summary>Where a model came from: data, trainer, settings, seed and timing.</summary>
/// <param name="DataName">The data's name in the notebook, when known.</param>
/// <param name="DataSource">The file the data was loaded from, when known.</param>
/// <param name="DataFingerprint">The fingerprint of the training data (see <see cref="Fingerprint"/>).</param>
/// <param name="Trainer">The trainer's name.</param>
/// <param name="Hyperparameters">The trainer settings that shaped the model, by ML.NET option name.</param>
/// <param name="Seed">The seed of the split and the trainer.</param>
/// <param name="TestFraction">The held-out fraction.</param>
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
    DateTimeOffset TrainedAt);

/// <summary>A trained model with its metrics, charts and provenance: what <c>#!train --as NAME</c> puts in NAME.</summary>
public sealed class TrainedModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly DataViewSchema _inputSchema;
    private readonly LabelPlan _label;
    private readonly FeaturePlan _features;

    internal TrainedModel(MLContext ml, ITransformer model, DataViewSchema inputSchema, LabelPlan label, FeaturePlan features, TrainedModelInfo info, Evaluation evaluation)
    {
        _ml = ml;
        _model = model;
        _inputSchema = inputSchema;
        _label = label;
        _features = features;
        Info = info;
        Metrics = evaluation.Metrics;
        Charts = evaluation.Charts;
    }

    /// <summary>The kind of prediction.</summary>
    public MLTask Task => _label.Task;

    /// <summary>Whether the task was inferred from the label, and why.</summary>
    public string TaskReason => _label.Inferred ? $"inferred: {_label.Reason}" : "asked for";

    /// <summary>The label column.</summary>
    public string Label => _label.Column;

    /// <summary>The classes, in order (classification only); for binary tasks the second is the positive class.</summary>
    public IReadOnlyList<string> Classes => _label.Classes;

    /// <summary>The feature columns and how each was featurized.</summary>
    public IReadOnlyList<FeatureColumn> Features => _features.Features;

    /// <summary>Columns left out of the features, with the reason.</summary>
    public IReadOnlyList<(string Column, string Reason)> Skipped => _features.Skipped;

    /// <summary>Metric name (as ML.NET spells it: <c>Accuracy</c>, <c>AreaUnderRocCurve</c>, <c>RSquared</c> …) → value on the test set.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Task-specific evaluation charts.</summary>
    public IReadOnlyList<GenericChart> Charts { get; }

    /// <summary>Provenance: data fingerprint, trainer, hyperparameters, seed, timing.</summary>
    public TrainedModelInfo Info { get; }

    /// <summary>Package versions the model was trained with.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; } = ML.Versions.All;

    /// <summary>Returns <paramref name="data"/> with prediction columns added: <c>PredictedLabel</c> (and <c>Probability</c> for binary tasks) or <c>Score</c> for regression.</summary>
    public DataFrame Predict(DataFrame data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var rows = Enumerable.Range(0, (int)data.Rows.Count).ToArray();
        var predictions = _model.Transform(ModelTrainer.ToView(data, rows, _features, _label, "the data to predict on"));
        var result = data.Clone();
        switch (Task)
        {
            case MLTask.Binary:
                var predicted = predictions.GetColumn<bool>("PredictedLabel").ToArray();
                result.Columns.Add(new StringDataFrameColumn("PredictedLabel", predicted.Select(p => p ? Classes[1] : Classes[0])));
                result.Columns.Add(new SingleDataFrameColumn("Probability", predictions.GetColumn<float>("Probability")));
                break;
            case MLTask.Multiclass:
                result.Columns.Add(new StringDataFrameColumn("PredictedLabel", predictions.GetColumn<ReadOnlyMemory<char>>("PredictedLabel").Select(p => p.ToString())));
                break;
            default:
                result.Columns.Add(new SingleDataFrameColumn("Score", predictions.GetColumn<float>("Score")));
                break;
        }

        return result;
    }

    /// <summary>The metrics of this model on other labelled data.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(DataFrame data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var labelColumn = Columns.Find(data, Label, "the label", "the data to evaluate on");
        var rows = Enumerable.Range(0, (int)data.Rows.Count).Where(i => labelColumn[i] is not null).ToArray();
        var predictions = _model.Transform(ModelTrainer.ToView(data, rows, _features, _label, "the data to evaluate on"));
        return Evaluation.Run(_ml, predictions, _label).Metrics;
    }

    /// <summary>Saves the ML.NET model (a zip that <c>MLContext.Model.Load</c> reads).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _ml.Model.Save(_model, _inputSchema, path);
    }
}
