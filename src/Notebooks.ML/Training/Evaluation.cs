using Microsoft.ML;
using Microsoft.ML.Data;
using Notebooks.ML.Charts;
using Plotly.NET;

namespace Notebooks.ML.Training;

/// <summary>Metrics (named as ML.NET spells them) and charts for one set of predictions.</summary>
internal sealed record Evaluation(IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<GenericChart> Charts)
{
    public static Evaluation Run(MLContext ml, IDataView predictions, LabelPlan label)
    {
        try
        {
            return label.Task switch
            {
                MLTask.Binary => Binary(ml, predictions),
                MLTask.Multiclass => Multiclass(ml, predictions),
                _ => Regression(ml, predictions),
            };
        }
        catch (ArgumentOutOfRangeException e) when (e.Message.Contains("AUC", StringComparison.OrdinalIgnoreCase))
        {
            throw Errors.Fail("The test set holds only one class, so AUC cannot be computed. Use a larger --test-fraction or more data.");
        }
    }

    private static Evaluation Binary(MLContext ml, IDataView predictions)
    {
        var m = ml.BinaryClassification.Evaluate(predictions, ModelTrainer.LabelColumn);
        var metrics = new Dictionary<string, double>
        {
            ["Accuracy"] = m.Accuracy,
            ["AreaUnderRocCurve"] = m.AreaUnderRocCurve,
            ["AreaUnderPrecisionRecallCurve"] = m.AreaUnderPrecisionRecallCurve,
            ["F1Score"] = m.F1Score,
            ["LogLoss"] = m.LogLoss,
            ["LogLossReduction"] = m.LogLossReduction,
            ["PositivePrecision"] = m.PositivePrecision,
            ["PositiveRecall"] = m.PositiveRecall,
            ["NegativePrecision"] = m.NegativePrecision,
            ["NegativeRecall"] = m.NegativeRecall,
        };
        var actual = predictions.GetColumn<bool>(ModelTrainer.LabelColumn).ToArray();
        var scores = predictions.GetColumn<float>("Probability").Select(v => (double)v).ToArray();
        return new Evaluation(metrics, [ModelCharts.Roc(actual, scores, m.AreaUnderRocCurve)]);
    }

    private static Evaluation Multiclass(MLContext ml, IDataView predictions)
    {
        var m = ml.MulticlassClassification.Evaluate(predictions, ModelTrainer.LabelColumn);
        var metrics = new Dictionary<string, double>
        {
            ["MicroAccuracy"] = m.MicroAccuracy,
            ["MacroAccuracy"] = m.MacroAccuracy,
            ["LogLoss"] = m.LogLoss,
            ["LogLossReduction"] = m.LogLossReduction,
        };
        VBuffer<ReadOnlyMemory<char>> keys = default;
        predictions.Schema[ModelTrainer.LabelColumn].GetKeyValues(ref keys);
        var classes = keys.DenseValues().Select(k => k.ToString()).ToArray();
        return new Evaluation(metrics, [ModelCharts.ConfusionMatrix(classes, m.ConfusionMatrix.Counts)]);
    }

    private static Evaluation Regression(MLContext ml, IDataView predictions)
    {
        var m = ml.Regression.Evaluate(predictions, ModelTrainer.LabelColumn);
        var metrics = new Dictionary<string, double>
        {
            ["RSquared"] = m.RSquared,
            ["RootMeanSquaredError"] = m.RootMeanSquaredError,
            ["MeanAbsoluteError"] = m.MeanAbsoluteError,
            ["MeanSquaredError"] = m.MeanSquaredError,
        };
        var actual = predictions.GetColumn<float>(ModelTrainer.LabelColumn).Select(v => (double)v).ToArray();
        var predicted = predictions.GetColumn<float>("Score").Select(v => (double)v).ToArray();
        return new Evaluation(metrics, [ModelCharts.PredictedVsActual(actual, predicted)]);
    }
}
