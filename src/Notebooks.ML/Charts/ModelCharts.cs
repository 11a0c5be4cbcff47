using System.Globalization;
using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>The charts on a training result card, built with the same style as <see cref="Plot"/>.</summary>
public static class ModelCharts
{
    /// <summary>
    /// The most rows a chart of predictions (predicted against actual, residuals) ships: a seeded random sample of
    /// larger test sets, said on the chart. A 3,000,000-row training has 600,000 test rows, too many to draw twice.
    /// </summary>
    public const int MaxPredictionPoints = 20_000;

    /// <summary>The most columns a feature importance chart shows: those whose shuffling costs most.</summary>
    public const int MaxImportanceBars = 30;

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
        var positives = actual.Count(a => a);
        var negatives = actual.Count - positives;
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        foreach (var (_, tp, fp) in Sweep(actual, scores))
        {
            fpr.Add(negatives == 0 ? 0 : (double)fp / negatives);
            tpr.Add(positives == 0 ? 0 : (double)tp / positives);
        }

        return (fpr.ToArray(), tpr.ToArray());
    }

    /// <summary>
    /// Walks the rows from the highest score down and yields the true and false positives at a threshold just at
    /// each score, at most about 200 times and never between tied scores (both curves are drawn from these points).
    /// </summary>
    private static IEnumerable<(double Threshold, long TruePositives, long FalsePositives)> Sweep(IReadOnlyList<bool> actual, IReadOnlyList<double> scores)
    {
        var order = Descending(scores);
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
                yield return (scores[order[k]], tp, fp);
            }
        }
    }

    /// <summary>Row indices by descending score (ties in any order: the curves only take points between ties).</summary>
    private static int[] Descending(IReadOnlyList<double> scores)
    {
        var keys = new double[scores.Count];
        var order = new int[scores.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = -scores[i];
            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }

    /// <summary>A confusion matrix heatmap: rows are true classes, columns predicted ones; <paramref name="rows"/> names the rows counted.</summary>
    public static GenericChart ConfusionMatrix(IReadOnlyList<string> classes, IReadOnlyList<IReadOnlyList<double>> counts, string rows = "test set")
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(counts);
        var heatmap = new Trace2D("heatmap");
        heatmap.SetProperty("z", counts.Select(r => r.ToArray()).ToArray());
        heatmap.SetProperty("x", classes.ToArray());
        heatmap.SetProperty("y", classes.ToArray());
        heatmap.SetProperty("colorscale", ChartStyle.SequentialScale);
        heatmap.SetProperty("zmin", 0);
        heatmap.SetProperty("texttemplate", "%{z}");
        heatmap.SetProperty("hovertemplate", "true %{y}, predicted %{x}: %{z}<extra></extra>");
        var layout = ChartStyle.Layout($"Confusion matrix ({rows})", "predicted", "actual");
        var yAxis = new Dictionary<string, object> { ["title"] = ChartStyle.AxisTitle("actual"), ["autorange"] = "reversed", ["type"] = "category", ["automargin"] = true };
        var xAxis = new Dictionary<string, object> { ["title"] = ChartStyle.AxisTitle("predicted"), ["type"] = "category", ["automargin"] = true };
        ChartStyle.CategoryLabels(xAxis, classes);
        ChartStyle.CategoryLabels(yAxis, classes);
        layout.SetProperty("yaxis", yAxis);
        layout.SetProperty("xaxis", xAxis);
        return ChartStyle.Chart([heatmap], layout);
    }

    /// <summary>Predicted against actual values, with the line where they would be equal; <paramref name="rows"/> names the rows.</summary>
    public static GenericChart PredictedVsActual(IReadOnlyList<double> actual, IReadOnlyList<double> predicted, string rows = "test set")
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        var (shown, note) = Sample(actual.Count, rows);
        var points = new Trace2D(shown.Length > Plot.WebGLThreshold ? "scattergl" : "scatter");
        points.SetProperty("x", shown.Select(i => actual[i]).ToArray());
        points.SetProperty("y", shown.Select(i => predicted[i]).ToArray());
        points.SetProperty("mode", "markers");
        points.SetProperty("name", rows == "test set" ? "test rows" : rows);
        points.SetProperty("marker", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(0), ["size"] = 5, ["opacity"] = 0.7 });
        var min = Math.Min(actual.Min(), predicted.Min());
        var max = Math.Max(actual.Max(), predicted.Max());
        var ideal = new Trace2D("scatter");
        ideal.SetProperty("x", new[] { min, max });
        ideal.SetProperty("y", new[] { min, max });
        ideal.SetProperty("mode", "lines");
        ideal.SetProperty("name", "predicted = actual");
        ideal.SetProperty("line", new Dictionary<string, object> { ["color"] = "#9ca3af", ["dash"] = "dash", ["width"] = 1 });
        return ChartStyle.Chart([points, ideal], ChartStyle.Layout($"Predicted vs actual ({rows})", "actual", "predicted", note));
    }

    /// <summary>All rows, or a seeded random sample of <see cref="MaxPredictionPoints"/> with the note that says so.</summary>
    private static (int[] Rows, string? Note) Sample(int count, string rows)
    {
        if (count <= MaxPredictionPoints)
        {
            return (Enumerable.Range(0, count).ToArray(), null);
        }

        var sample = Sampling.Stratified(new int[count], 1, MaxPredictionPoints, seed: 1)[0];
        return (sample, $"showing {Plot.Count(sample.Length)} of {Plot.Count(count)} {(rows == "test set" ? "test rows" : rows)}: a random sample (seed 1)");
    }

    private static Trace2D Line(double[] x, double[] y, string name, int color, string? dash = null, string mode = "lines")
    {
        var trace = new Trace2D("scatter");
        trace.SetProperty("x", x);
        trace.SetProperty("y", y);
        trace.SetProperty("mode", mode);
        trace.SetProperty("name", name);
        var line = new Dictionary<string, object> { ["color"] = color < 0 ? "#9ca3af" : ChartStyle.ColorAt(color), ["width"] = color < 0 ? 1 : 2 };
        if (dash is not null)
        {
            line["dash"] = dash;
        }

        trace.SetProperty("line", line);
        return trace;
    }

    private static Dictionary<string, object> AxisTitle(string title, object? extra = null)
    {
        var axis = new Dictionary<string, object> { ["title"] = ChartStyle.AxisTitle(title), ["gridcolor"] = "#e5e7eb", ["automargin"] = true };
        if (extra is string type)
        {
            axis["type"] = type;
        }

        return axis;
    }

    /// <summary>Precision against recall as the threshold on the positive-class probability falls, with the area under it in the title.</summary>
    public static GenericChart PrecisionRecall(IReadOnlyList<bool> actual, IReadOnlyList<double> scores, double area)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(scores);
        var points = ThresholdPoints(actual, scores);
        var positives = actual.Count(a => a);
        var baseline = actual.Count == 0 ? 0 : (double)positives / actual.Count;
        var curve = Line(points.Select(p => p.Recall).ToArray(), points.Select(p => p.Precision).ToArray(), "model", 0);
        var chance = Line([0.0, 1.0], [baseline, baseline], "no skill", -1, "dash");
        return ChartStyle.Chart([curve, chance], ChartStyle.Layout($"Precision–recall (area {area.ToString("F3", CultureInfo.InvariantCulture)})", "recall", "precision"));
    }

    /// <summary>Accuracy, precision, recall and F1 at every threshold on the positive-class probability.</summary>
    public static GenericChart MetricsByThreshold(IReadOnlyList<bool> actual, IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(scores);
        var points = ThresholdPoints(actual, scores).Where(p => !double.IsInfinity(p.Threshold)).ToArray();
        var x = points.Select(p => p.Threshold).ToArray();
        var traces = new List<Trace>
        {
            Line(x, points.Select(p => p.Accuracy).ToArray(), "accuracy", 0),
            Line(x, points.Select(p => p.Precision).ToArray(), "precision", 1),
            Line(x, points.Select(p => p.Recall).ToArray(), "recall", 2),
            Line(x, points.Select(p => p.F1).ToArray(), "F1", 3),
        };
        var layout = ChartStyle.Layout("Metrics by threshold", "threshold on the positive-class score", "value", "ML.NET predicts positive when the probability is above 0.5");
        return ChartStyle.Chart(traces, layout);
    }

    /// <summary>One point per distinct threshold (thinned to about 200): the positive class is predicted at or above it.</summary>
    internal static IReadOnlyList<(double Threshold, double Precision, double Recall, double Accuracy, double F1)> ThresholdPoints(IReadOnlyList<bool> actual, IReadOnlyList<double> scores)
    {
        var positives = actual.Count(a => a);
        var negatives = actual.Count - positives;
        var points = new List<(double, double, double, double, double)> { (double.PositiveInfinity, 1, 0, negatives / (double)Math.Max(1, actual.Count), 0) };
        foreach (var (threshold, tp, fp) in Sweep(actual, scores))
        {
            var precision = (double)tp / (tp + fp);
            var recall = positives == 0 ? 0 : (double)tp / positives;
            var accuracy = (double)(tp + (negatives - fp)) / Math.Max(1, actual.Count);
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            points.Add((threshold, precision, recall, accuracy, f1));
        }

        return points;
    }

    /// <summary>Precision, recall and F1 of each class, from a confusion matrix (rows true, columns predicted).</summary>
    public static GenericChart PerClassMetrics(IReadOnlyList<string> classes, IReadOnlyList<IReadOnlyList<double>> counts)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(counts);
        var (precision, recall, f1) = PerClass(counts);
        var traces = new List<Trace>();
        foreach (var (name, values, color) in new[] { ("precision", precision, 0), ("recall", recall, 1), ("F1", f1, 2) })
        {
            var bar = new Trace2D("bar");
            bar.SetProperty("x", classes.ToArray());
            bar.SetProperty("y", values);
            bar.SetProperty("name", name);
            bar.SetProperty("marker", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(color) });
            bar.SetProperty("hovertemplate", $"%{{x}}: {name} %{{y:.3f}}<extra></extra>");
            traces.Add(bar);
        }

        var layout = ChartStyle.Layout("Per-class metrics", "class", "value");
        layout.SetProperty("barmode", "group");
        var xAxis = AxisTitle("class", "category");
        ChartStyle.CategoryLabels(xAxis, classes);
        layout.SetProperty("xaxis", xAxis);
        layout.SetProperty("yaxis", new Dictionary<string, object> { ["title"] = ChartStyle.AxisTitle("value"), ["range"] = new[] { 0.0, 1.05 }, ["gridcolor"] = "#e5e7eb", ["automargin"] = true });
        return ChartStyle.Chart(traces, layout);
    }

    /// <summary>Per-class precision, recall and F1 from a confusion matrix whose rows are true classes.</summary>
    internal static (double[] Precision, double[] Recall, double[] F1) PerClass(IReadOnlyList<IReadOnlyList<double>> counts)
    {
        var k = counts.Count;
        var precision = new double[k];
        var recall = new double[k];
        var f1 = new double[k];
        for (var c = 0; c < k; c++)
        {
            var tp = counts[c][c];
            var predicted = Enumerable.Range(0, k).Sum(r => counts[r][c]);
            var truth = counts[c].Sum();
            precision[c] = predicted == 0 ? 0 : tp / predicted;
            recall[c] = truth == 0 ? 0 : tp / truth;
            f1[c] = precision[c] + recall[c] == 0 ? 0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
        }

        return (precision, recall, f1);
    }

    /// <summary>Residuals (actual − predicted) against the predicted value, with the zero line; <paramref name="rows"/> names the rows.</summary>
    public static GenericChart Residuals(IReadOnlyList<double> actual, IReadOnlyList<double> predicted, string rows = "test set")
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        var (shown, note) = Sample(actual.Count, rows);
        var points = new Trace2D(shown.Length > Plot.WebGLThreshold ? "scattergl" : "scatter");
        points.SetProperty("x", shown.Select(i => predicted[i]).ToArray());
        points.SetProperty("y", shown.Select(i => actual[i] - predicted[i]).ToArray());
        points.SetProperty("mode", "markers");
        points.SetProperty("name", "rows");
        points.SetProperty("marker", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(0), ["size"] = 5, ["opacity"] = 0.7 });
        var min = predicted.Count == 0 ? 0 : predicted.Min();
        var max = predicted.Count == 0 ? 1 : predicted.Max();
        var zero = Line([min, max], [0.0, 0.0], "zero", -1, "dash");
        return ChartStyle.Chart([points, zero], ChartStyle.Layout($"Residuals ({rows})", "predicted", "actual − predicted", note));
    }

    /// <summary>How many rows each cluster holds.</summary>
    public static GenericChart ClusterSizes(IReadOnlyList<long> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var bar = new Trace2D("bar");
        bar.SetProperty("x", Enumerable.Range(1, sizes.Count).Select(i => $"cluster {i}").ToArray());
        bar.SetProperty("y", sizes.ToArray());
        bar.SetProperty("marker", new Dictionary<string, object> { ["color"] = Enumerable.Range(0, sizes.Count).Select(ChartStyle.ColorAt).ToArray() });
        bar.SetProperty("showlegend", false);
        var layout = ChartStyle.Layout("Cluster sizes", "cluster", "rows");
        layout.SetProperty("xaxis", AxisTitle("cluster", "category"));
        return ChartStyle.Chart([bar], layout);
    }

    /// <summary>Rows projected on their first two principal components, coloured by cluster.</summary>
    public static GenericChart ClusterProjection(IReadOnlyList<double[]> points, IReadOnlyList<int> clusters, double explained)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(clusters);
        var traces = new List<Trace>();
        foreach (var cluster in clusters.Distinct().Order())
        {
            var rows = Enumerable.Range(0, clusters.Count).Where(i => clusters[i] == cluster).ToArray();
            var trace = new Trace2D(points.Count > Plot.WebGLThreshold ? "scattergl" : "scatter");
            trace.SetProperty("x", rows.Select(i => points[i][0]).ToArray());
            trace.SetProperty("y", rows.Select(i => points[i][1]).ToArray());
            trace.SetProperty("mode", "markers");
            trace.SetProperty("name", $"cluster {cluster}");
            trace.SetProperty("marker", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(cluster - 1), ["size"] = 6, ["opacity"] = 0.8 });
            traces.Add(trace);
        }

        var note = $"PCA of the features; the two components explain {explained.ToString("P0", CultureInfo.InvariantCulture)} of their variance";
        return ChartStyle.Chart(traces, ChartStyle.Layout("Clusters in two dimensions", "component 1", "component 2", note));
    }

    /// <summary>
    /// Permutation feature importance: how much the metric drops when one column's values are shuffled. Wide data
    /// shows the <see cref="MaxImportanceBars"/> columns that matter most, each with its label.
    /// </summary>
    public static GenericChart FeatureImportance(IReadOnlyList<string> columns, IReadOnlyList<double> drops, string metric)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(drops);
        var kept = Enumerable.Range(0, columns.Count).OrderByDescending(i => drops[i]).ThenBy(i => columns[i], StringComparer.Ordinal).Take(MaxImportanceBars);
        var order = kept.OrderBy(i => drops[i]).ThenByDescending(i => columns[i], StringComparer.Ordinal).ToArray();
        var bar = new Trace2D("bar");
        bar.SetProperty("orientation", "h");
        bar.SetProperty("x", order.Select(i => drops[i]).ToArray());
        bar.SetProperty("y", order.Select(i => columns[i]).ToArray());
        bar.SetProperty("marker", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(0) });
        bar.SetProperty("showlegend", false);
        bar.SetProperty("hovertemplate", "%{y}: %{x:.4f}<extra></extra>");
        var note = order.Length < columns.Count ? $"the {order.Length} of {columns.Count} columns whose shuffling costs most" : null;
        var layout = ChartStyle.Layout("Permutation feature importance", $"drop in {metric} when the column is shuffled", null, note);
        // Every bar keeps its label (Plotly would otherwise label every other one once they are close).
        layout.SetProperty("yaxis", new Dictionary<string, object> { ["type"] = "category", ["automargin"] = true, ["dtick"] = 1 });
        layout.SetProperty("height", Math.Clamp(120 + (22 * order.Length) + (note is null ? 0 : 40), 300, 900));
        return ChartStyle.Chart([bar], layout);
    }

    /// <summary>A learning curve: the metric on validation (and training) rows against iterations or training rows.</summary>
    public static GenericChart LearningCurve(string xTitle, IReadOnlyList<double> x, IReadOnlyList<double> validation, IReadOnlyList<double>? training, string metric)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(validation);
        var mode = x.Count <= 8 ? "lines+markers" : "lines";
        var traces = new List<Trace> { Line(x.ToArray(), validation.ToArray(), "validation", 0, null, mode) };
        if (training is not null)
        {
            traces.Add(Line(x.ToArray(), training.ToArray(), "training", 1, "dot", mode));
        }

        return ChartStyle.Chart(traces, ChartStyle.Layout($"Learning curve ({metric})", xTitle, metric));
    }

    /// <summary>The validation metric of each search trial, with the best so far.</summary>
    public static GenericChart SearchTrials(IReadOnlyList<double> metric, IReadOnlyList<string> labels, string metricName, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(labels);
        var x = Enumerable.Range(1, metric.Count).Select(i => (double)i).ToArray();
        var points = new Trace2D("scatter");
        points.SetProperty("x", x);
        points.SetProperty("y", metric.ToArray());
        points.SetProperty("mode", "markers");
        points.SetProperty("name", "trial");
        points.SetProperty("text", labels.ToArray());
        points.SetProperty("hovertemplate", "trial %{x}: %{y:.4f}<br>%{text}<extra></extra>");
        points.SetProperty("marker", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(0), ["size"] = 7, ["opacity"] = 0.8 });
        var best = new double[metric.Count];
        for (var i = 0; i < metric.Count; i++)
        {
            var previous = i == 0 ? double.NaN : best[i - 1];
            best[i] = double.IsNaN(previous) || double.IsNaN(metric[i]) ? (double.IsNaN(metric[i]) ? previous : metric[i])
                : higherIsBetter ? Math.Max(previous, metric[i]) : Math.Min(previous, metric[i]);
        }

        var line = Line(x, best, "best so far", 1);
        line.SetProperty("line", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(1), ["width"] = 2, ["shape"] = "hv" });
        return ChartStyle.Chart([points, line], ChartStyle.Layout($"Search: validation {metricName} by trial", "trial", metricName));
    }
}
