using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>The charts on a training result card, built with the same style as <see cref="Plot"/>.</summary>
public static class ModelCharts
{
    /// <summary>The ROC curve of binary scores against true labels, with the area under it in the title.</summary>
    public static GenericChart Roc(IReadOnlyList<bool> actual, IReadOnlyList<double> scores, double auc)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(scores);
        var (fpr, tpr) = RocPoints(actual, scores);
        var curve = new Trace2D("scatter");
        curve.SetProperty("x", fpr);
        curve.SetProperty("y", tpr);
        curve.SetProperty("mode", "lines");
        curve.SetProperty("name", "model");
        curve.SetProperty("line", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(0), ["width"] = 2 });
        var chance = new Trace2D("scatter");
        chance.SetProperty("x", new[] { 0.0, 1.0 });
        chance.SetProperty("y", new[] { 0.0, 1.0 });
        chance.SetProperty("mode", "lines");
        chance.SetProperty("name", "chance");
        chance.SetProperty("line", new Dictionary<string, object> { ["color"] = "#9ca3af", ["dash"] = "dash", ["width"] = 1 });
        var layout = ChartStyle.Layout($"ROC curve (AUC {auc:F3})", "false positive rate", "true positive rate");
        return ChartStyle.Chart([curve, chance], layout);
    }

    /// <summary>ROC points, thinned to at most about 200 so that the chart stays small.</summary>
    internal static (double[] Fpr, double[] Tpr) RocPoints(IReadOnlyList<bool> actual, IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
        var positives = actual.Count(a => a);
        var negatives = actual.Count - positives;
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        long tp = 0, fp = 0;
        var step = Math.Max(1, order.Length / 200);
        for (var k = 0; k < order.Length; k++)
        {
            if (actual[order[k]])
            {
                tp++;
            }
            else
            {
                fp++;
            }

            var last = k == order.Length - 1;
            var tie = !last && scores[order[k + 1]] == scores[order[k]];
            if (last || (!tie && k % step == 0))
            {
                fpr.Add(negatives == 0 ? 0 : (double)fp / negatives);
                tpr.Add(positives == 0 ? 0 : (double)tp / positives);
            }
        }

        return (fpr.ToArray(), tpr.ToArray());
    }

    /// <summary>A confusion matrix heatmap: rows are true classes, columns predicted ones.</summary>
    public static GenericChart ConfusionMatrix(IReadOnlyList<string> classes, IReadOnlyList<IReadOnlyList<double>> counts)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(counts);
        var heatmap = new Trace2D("heatmap");
        heatmap.SetProperty("z", counts.Select(r => r.ToArray()).ToArray());
        heatmap.SetProperty("x", classes.ToArray());
        heatmap.SetProperty("y", classes.ToArray());
        heatmap.SetProperty("colorscale", "Blues");
        heatmap.SetProperty("texttemplate", "%{z}");
        heatmap.SetProperty("hovertemplate", "true %{y}, predicted %{x}: %{z}<extra></extra>");
        var layout = ChartStyle.Layout("Confusion matrix (test set)", "predicted", "actual");
        layout.SetProperty("yaxis", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "actual" }, ["autorange"] = "reversed", ["type"] = "category" });
        layout.SetProperty("xaxis", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "predicted" }, ["type"] = "category" });
        return ChartStyle.Chart([heatmap], layout);
    }

    /// <summary>Predicted against actual values, with the line where they would be equal.</summary>
    public static GenericChart PredictedVsActual(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        var points = new Trace2D(actual.Count > Plot.WebGLThreshold ? "scattergl" : "scatter");
        points.SetProperty("x", actual.ToArray());
        points.SetProperty("y", predicted.ToArray());
        points.SetProperty("mode", "markers");
        points.SetProperty("name", "test rows");
        points.SetProperty("marker", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(0), ["size"] = 5, ["opacity"] = 0.7 });
        var min = Math.Min(actual.Min(), predicted.Min());
        var max = Math.Max(actual.Max(), predicted.Max());
        var ideal = new Trace2D("scatter");
        ideal.SetProperty("x", new[] { min, max });
        ideal.SetProperty("y", new[] { min, max });
        ideal.SetProperty("mode", "lines");
        ideal.SetProperty("name", "predicted = actual");
        ideal.SetProperty("line", new Dictionary<string, object> { ["color"] = "#9ca3af", ["dash"] = "dash", ["width"] = 1 });
        return ChartStyle.Chart([points, ideal], ChartStyle.Layout("Predicted vs actual (test set)", "actual", "predicted"));
    }
}
