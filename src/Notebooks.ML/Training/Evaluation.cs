using Microsoft.ML;
using Microsoft.ML.Data;
using Notebooks.ML.Charts;
using Plotly.NET;

namespace Notebooks.ML.Training;

/// <summary>The predictions on a set of rows as plain arrays: what the charts and the explanations are built from.</summary>
internal sealed class Scored
{
    /// <summary>Binary: the true class (positive = true).</summary>
    public bool[] Positive { get; init; } = [];

    /// <summary>Binary: the positive-class probability; regression: the prediction.</summary>
    public double[] Score { get; init; } = [];

    /// <summary>Regression: the true value.</summary>
    public double[] Actual { get; init; } = [];

    /// <summary>Multiclass: true and predicted class indices; clustering: the cluster (from 1) in <see cref="Predicted"/>.</summary>
    public int[] Truth { get; init; } = [];

    /// <summary>Multiclass: predicted class indices; clustering: the cluster of each row, from 1.</summary>
    public int[] Predicted { get; init; } = [];

    /// <summary>Clustering: the distance of each row to its own cluster's centre.</summary>
    public double[] Distance { get; init; } = [];

    /// <summary>Clustering: the feature vectors of up to a few thousand rows, for the 2-D projection.</summary>
    public IReadOnlyList<float[]> Features { get; init; } = [];

    public int Count => Math.Max(Math.Max(Positive.Length, Actual.Length), Math.Max(Truth.Length, Predicted.Length));

    public static Scored Concat(IReadOnlyList<Scored> parts) => new()
    {
        Positive = parts.SelectMany(p => p.Positive).ToArray(),
        Score = parts.SelectMany(p => p.Score).ToArray(),
        Actual = parts.SelectMany(p => p.Actual).ToArray(),
        Truth = parts.SelectMany(p => p.Truth).ToArray(),
        Predicted = parts.SelectMany(p => p.Predicted).ToArray(),
        Distance = parts.SelectMany(p => p.Distance).ToArray(),
        Features = parts.SelectMany(p => p.Features).Take(Evaluation.ProjectionRows).ToArray(),
    };
}

/// <summary>Metrics (named as ML.NET spells them) and charts for one set of predictions.</summary>
internal static class Evaluation
{
    internal const int ProjectionRows = 3000;

    /// <summary>The metric that ranks models: search, learning curves and importance use it.</summary>
    public static (string Name, bool HigherIsBetter) Primary(MLTask task) => task switch
    {
        MLTask.Binary => ("AreaUnderRocCurve", true),
        MLTask.Multiclass => ("MicroAccuracy", true),
        MLTask.Regression => ("RSquared", true),
        _ => ("AverageDistance", false),
    };

    public static Dictionary<string, double> Metrics(MLContext ml, IDataView predictions, LabelPlan label)
    {
        try
        {
            return label.Task switch
            {
                MLTask.Binary => Binary(ml, predictions),
                MLTask.Multiclass => Multiclass(ml, predictions),
                MLTask.Regression => Regression(ml, predictions),
                _ => Clustering(ml, predictions),
            };
        }
        catch (ArgumentOutOfRangeException e) when (e.Message.Contains("AUC", StringComparison.OrdinalIgnoreCase))
        {
            throw Errors.Fail("The test set holds only one class, so AUC cannot be computed. Use a larger --test-fraction, fewer --folds or more data.");
        }
    }

    private static Dictionary<string, double> Binary(MLContext ml, IDataView predictions)
    {
        var m = ml.BinaryClassification.Evaluate(predictions, ModelTrainer.LabelColumn);
        return new Dictionary<string, double>
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
    }

    private static Dictionary<string, double> Multiclass(MLContext ml, IDataView predictions)
    {
        var m = ml.MulticlassClassification.Evaluate(predictions, ModelTrainer.LabelColumn);
        return new Dictionary<string, double>
        {
            ["MicroAccuracy"] = m.MicroAccuracy,
            ["MacroAccuracy"] = m.MacroAccuracy,
            ["LogLoss"] = m.LogLoss,
            ["LogLossReduction"] = m.LogLossReduction,
        };
    }

    private static Dictionary<string, double> Regression(MLContext ml, IDataView predictions)
    {
        var m = ml.Regression.Evaluate(predictions, ModelTrainer.LabelColumn);
        return new Dictionary<string, double>
        {
            ["RSquared"] = m.RSquared,
            ["RootMeanSquaredError"] = m.RootMeanSquaredError,
            ["MeanAbsoluteError"] = m.MeanAbsoluteError,
            ["MeanSquaredError"] = m.MeanSquaredError,
        };
    }

    private static Dictionary<string, double> Clustering(MLContext ml, IDataView predictions)
    {
        var m = ml.Clustering.Evaluate(predictions, labelColumnName: null, scoreColumnName: "Score", featureColumnName: "Features");
        return new Dictionary<string, double>
        {
            ["AverageDistance"] = m.AverageDistance,
            ["DaviesBouldinIndex"] = m.DaviesBouldinIndex,
        };
    }

    /// <summary>Reads the predictions into arrays.</summary>
    public static Scored Extract(IDataView predictions, LabelPlan label)
    {
        switch (label.Task)
        {
            case MLTask.Binary:
                return new Scored
                {
                    Positive = predictions.GetColumn<bool>(ModelTrainer.LabelColumn).ToArray(),
                    Score = predictions.GetColumn<float>("Probability").Select(v => (double)v).ToArray(),
                };
            case MLTask.Multiclass:
                var index = label.Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
                return new Scored
                {
                    Truth = predictions.GetColumn<ReadOnlyMemory<char>>(ModelTrainer.SourceLabelColumn).Select(v => index.GetValueOrDefault(v.ToString(), -1)).ToArray(),
                    Predicted = predictions.GetColumn<ReadOnlyMemory<char>>("PredictedLabel").Select(v => index.GetValueOrDefault(v.ToString(), -1)).ToArray(),
                };
            case MLTask.Regression:
                return new Scored
                {
                    Actual = predictions.GetColumn<float>(ModelTrainer.LabelColumn).Select(v => (double)v).ToArray(),
                    Score = predictions.GetColumn<float>("Score").Select(v => (double)v).ToArray(),
                };
            default:
                var clusters = predictions.GetColumn<uint>("PredictedLabel").Select(v => (int)v).ToArray();
                var distances = predictions.GetColumn<float[]>("Score").Select((d, i) => (double)d[clusters[i] - 1]).ToArray();
                var features = predictions.GetColumn<float[]>("Features").Take(ProjectionRows).ToArray();
                return new Scored { Predicted = clusters, Distance = distances, Features = features };
        }
    }

    /// <summary>The primary metric (see <see cref="Primary"/>) computed from arrays, for search, curves and importance.</summary>
    public static double PrimaryValue(MLTask task, Scored scored) => task switch
    {
        MLTask.Binary => Auc(scored.Positive, scored.Score),
        MLTask.Multiclass => scored.Truth.Length == 0 ? double.NaN : scored.Truth.Zip(scored.Predicted).Count(p => p.First == p.Second) / (double)scored.Truth.Length,
        MLTask.Regression => RSquared(scored.Actual, scored.Score),
        _ => scored.Distance.Length == 0 ? double.NaN : scored.Distance.Average(),
    };

    /// <summary>The area under the ROC curve (ties count half), as ML.NET computes it.</summary>
    public static double Auc(IReadOnlyList<bool> positive, IReadOnlyList<double> score)
    {
        var keys = score.ToArray();
        var order = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(keys, order);
        double rankSum = 0;
        long positives = 0;
        var k = 0;
        while (k < order.Length)
        {
            var end = k;
            while (end + 1 < order.Length && score[order[end + 1]] == score[order[k]])
            {
                end++;
            }

            var rank = ((k + end) / 2.0) + 1;
            for (var j = k; j <= end; j++)
            {
                if (positive[order[j]])
                {
                    rankSum += rank;
                    positives++;
                }
            }

            k = end + 1;
        }

        var negatives = score.Count - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    public static double RSquared(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        if (actual.Count == 0)
        {
            return double.NaN;
        }

        var mean = actual.Average();
        double residual = 0, total = 0;
        for (var i = 0; i < actual.Count; i++)
        {
            residual += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
            total += (actual[i] - mean) * (actual[i] - mean);
        }

        return total == 0 ? double.NaN : 1 - (residual / total);
    }

    /// <summary>The task's charts for a set of predictions; <paramref name="rows"/> names them (the test set, the out-of-fold rows …).</summary>
    public static List<GenericChart> Charts(Scored scored, LabelPlan label, IReadOnlyDictionary<string, double> metrics, string rows = "test set")
    {
        switch (label.Task)
        {
            case MLTask.Binary:
                return
                [
                    ModelCharts.Roc(scored.Positive, scored.Score, Evaluation.Auc(scored.Positive, scored.Score)),
                    ModelCharts.PrecisionRecall(scored.Positive, scored.Score, metrics.GetValueOrDefault("AreaUnderPrecisionRecallCurve", double.NaN)),
                    ModelCharts.ConfusionMatrix(label.Classes, Confusion(scored.Positive.Select(p => p ? 1 : 0).ToArray(), scored.Score.Select(s => s > 0.5 ? 1 : 0).ToArray(), 2), rows),
                    ModelCharts.MetricsByThreshold(scored.Positive, scored.Score),
                ];
            case MLTask.Multiclass:
                var counts = Confusion(scored.Truth, scored.Predicted, label.Classes.Length);
                return [ModelCharts.ConfusionMatrix(label.Classes, counts, rows), ModelCharts.PerClassMetrics(label.Classes, counts)];
            case MLTask.Regression:
                return [ModelCharts.PredictedVsActual(scored.Actual, scored.Score, rows), ModelCharts.Residuals(scored.Actual, scored.Score, rows)];
            default:
                var k = scored.Predicted.Length == 0 ? 0 : scored.Predicted.Max();
                var sizes = Enumerable.Range(1, k).Select(c => (long)scored.Predicted.Count(p => p == c)).ToArray();
                var (points, explained) = Projection.Pca2(scored.Features);
                return [ModelCharts.ClusterSizes(sizes), ModelCharts.ClusterProjection(points, scored.Predicted.Take(points.Count).ToArray(), explained)];
        }
    }

    private static double[][] Confusion(int[] truth, int[] predicted, int classes)
    {
        var counts = new double[classes][];
        for (var i = 0; i < classes; i++)
        {
            counts[i] = new double[classes];
        }

        for (var i = 0; i < truth.Length; i++)
        {
            if (truth[i] >= 0 && predicted[i] >= 0)
            {
                counts[truth[i]][predicted[i]]++;
            }
        }

        return counts;
    }
}

/// <summary>A two-component PCA by power iteration: enough for a picture of the clusters.</summary>
internal static class Projection
{
    private const int MaxDimensions = 100;

    public static (IReadOnlyList<double[]> Points, double Explained) Pca2(IReadOnlyList<float[]> rows)
    {
        if (rows.Count == 0)
        {
            return ([], 0);
        }

        if (rows[0].Length > MaxDimensions)
        {
            // Wide features (one-hot, text): the components are found among the highest-variance slots.
            var width = rows[0].Length;
            var variance = Enumerable.Range(0, width).Select(j =>
            {
                var m = rows.Average(r => (double)r[j]);
                return rows.Sum(r => (r[j] - m) * (r[j] - m));
            }).ToArray();
            var keep = Enumerable.Range(0, width).OrderByDescending(j => variance[j]).ThenBy(j => j).Take(MaxDimensions).Order().ToArray();
            rows = rows.Select(r => keep.Select(j => r[j]).ToArray()).ToArray();
        }

        var d = rows[0].Length;
        var mean = new double[d];
        foreach (var row in rows)
        {
            for (var j = 0; j < d; j++)
            {
                mean[j] += row[j] / (double)rows.Count;
            }
        }

        var cov = new double[d, d];
        foreach (var row in rows)
        {
            for (var i = 0; i < d; i++)
            {
                var ci = row[i] - mean[i];
                for (var j = 0; j < d; j++)
                {
                    cov[i, j] += ci * (row[j] - mean[j]);
                }
            }
        }

        var total = Enumerable.Range(0, d).Sum(i => cov[i, i]);
        var components = new List<double[]>();
        var explained = 0.0;
        for (var c = 0; c < Math.Min(2, d); c++)
        {
            var v = Enumerable.Range(0, d).Select(i => 1.0 / Math.Sqrt(d) + (i * 1e-3)).ToArray();
            var lambda = 0.0;
            for (var iteration = 0; iteration < 200; iteration++)
            {
                var next = new double[d];
                for (var i = 0; i < d; i++)
                {
                    for (var j = 0; j < d; j++)
                    {
                        next[i] += cov[i, j] * v[j];
                    }
                }

                var norm = Math.Sqrt(next.Sum(x => x * x));
                if (norm == 0)
                {
                    break;
                }

                lambda = norm;
                v = next.Select(x => x / norm).ToArray();
            }

            explained += total == 0 ? 0 : lambda / total;
            components.Add(v);
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    cov[i, j] -= lambda * v[i] * v[j];
                }
            }
        }

        while (components.Count < 2)
        {
            components.Add(new double[d]);
        }

        var points = rows.Select(row =>
        {
            var p = new double[2];
            for (var c = 0; c < 2; c++)
            {
                for (var j = 0; j < d; j++)
                {
                    p[c] += (row[j] - mean[j]) * components[c][j];
                }
            }

            return p;
        }).ToArray();
        return (points, explained);
    }
}
