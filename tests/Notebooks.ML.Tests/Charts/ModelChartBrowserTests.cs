using Microsoft.Data.Analysis;
using Notebooks.ML.Charts;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;
using Plotly.NET;

namespace Notebooks.ML.Tests.Charts;

/// <summary>
/// Every chart <c>#!train</c> (each task, the search, importance and learning curve), <c>#!evaluate</c> and
/// <c>#!runs plot</c> make, drawn by plotly.js in headless Chromium, offline, with their marks counted per trace.
/// </summary>
public sealed class ModelChartBrowserTests
{
    private static TrainedModel Train(DataFrame frame, string label, string task = "auto", string trainer = "auto", int? folds = null, int? trials = null, IReadOnlyList<string>? features = null) =>
        ModelTrainer.Train(frame, new TrainOptions
        {
            DataName = "customers", Label = label, Task = task, Trainer = trainer, Folds = folds, MaxTrials = trials, Seed = 3,
            Features = features ?? [], Clusters = task == "clustering" ? 3 : null,
        });

    private static IEnumerable<(string, GenericChart)> Named(string prefix, IEnumerable<GenericChart> charts) =>
        charts.Select(c => ($"{prefix}: {ChartJson.Of(c).Title}", c));

    [Fact]
    public void Every_training_evaluation_and_runs_chart_draws_its_marks()
    {
        var customers = Frames.Customers(1_500);
        var fresh = Frames.Customers(400, seed: 9);
        var tiny = Frames.Customers(40, seed: 2);
        var binary = Train(customers, "churned");
        var multiclass = Train(customers, "segment");
        var regression = Train(customers, "spend");
        var clustering = Train(customers, "", task: "clustering", features: ["tenure", "calls", "spend"]);
        var search = Train(customers, "churned", trials: 3);
        var folded = Train(customers, "churned", trainer: "sdca", folds: 3);
        var small = Train(tiny, "churned", trainer: "lbfgs");

        var folder = Directory.CreateTempSubdirectory("nbml-chart-runs-");
        GenericChart runsPlot, oneRunPlot;
        try
        {
            using (var store = RunStore.Open(Path.Combine(folder.FullName, "runs.db")))
            {
                store.Record(binary, new RunContext { SaveModel = false });
                store.Record(search, new RunContext { SaveModel = false });
                store.Record(folded, new RunContext { SaveModel = false, FoldMetrics = folded.FoldMetrics });
                store.Record(small, new RunContext { SaveModel = false });
                runsPlot = store.Plot("AreaUnderRocCurve");
            }

            using var single = RunStore.Open(Path.Combine(folder.FullName, "one.db"));
            single.Record(regression, new RunContext { SaveModel = false });
            oneRunPlot = single.Plot("RSquared");
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        var charts = Named("binary", binary.Charts)
            .Concat(Named("multiclass", multiclass.Charts))
            .Concat(Named("regression", regression.Charts))
            .Concat(Named("clustering", clustering.Charts))
            .Concat(Named("search", search.Charts))
            .Concat(Named("folds", folded.Charts))
            .Concat(Named("tiny", small.Charts))
            .Concat(Named("evaluate", binary.EvaluateWithCharts(fresh).Charts))
            .Append(("runs", runsPlot))
            .Append(("one run", oneRunPlot))
            .ToList();

        var page = ChartPage.Draw("model-charts", charts);

        BrowserAssert.DrewEverything(page);
        Assert.Equal(2, page["binary: Confusion matrix (test set)"].Shown().Single().Texts - 2);
        Assert.Equal(9, page["multiclass: Confusion matrix (test set)"].Shown().Single().Texts);
        Assert.Equal([3, 3, 3], page["multiclass: Per-class metrics"].Shown().Select(t => t.Bars));
        Assert.Equal(3, page["clustering: Cluster sizes"].Shown().Single().Bars);
        Assert.Equal(3, page["clustering: Clusters in two dimensions"].Shown().Length);
        Assert.Contains(page.Charts.Keys, k => k.StartsWith("search: Search", StringComparison.Ordinal));
        Assert.Contains(page.Charts.Keys, k => k.StartsWith("binary: Permutation feature importance", StringComparison.Ordinal));
        Assert.Contains(page.Charts.Keys, k => k.StartsWith("binary: Learning curve", StringComparison.Ordinal));
        Assert.Equal(4, page["runs"].Shown().Where(t => t.Type == "scatter" && t.Name != "best so far (highest)").Sum(t => t.Points));
        Assert.Equal(["lightgbm"], page["one run"].Shown().Select(t => t.Name));
        // The charts name the rows they show: held-out, out-of-fold or evaluated.
        Assert.Contains("folds: Confusion matrix (out-of-fold rows)", page.Charts.Keys);
        Assert.Contains("evaluate: Confusion matrix (evaluated rows)", page.Charts.Keys);
    }

    [Fact]
    public void Training_charts_of_three_million_rows_draw_from_what_they_ship()
    {
        // What a 3,000,000-row training charts: 600,000 test rows, wide data, long curves, a long search.
        const int rows = 600_000;
        var random = new Random(4);
        var actual = Enumerable.Range(0, rows).Select(_ => random.NextDouble() * 100).ToArray();
        var predicted = actual.Select(a => a + ((random.NextDouble() - 0.5) * 20)).ToArray();
        var positive = actual.Select(a => a > 50).ToArray();
        var scores = predicted.Select(p => Math.Clamp(p / 100, 0, 1)).ToArray();
        var columns = Enumerable.Range(0, 60).Select(i => $"feature_{i:00}_with_a_long_name").ToArray();
        var projection = Enumerable.Range(0, 3_000).Select(i => new[] { random.NextDouble(), random.NextDouble() }).ToArray();
        (string, GenericChart)[] charts =
        [
            ("roc", ModelCharts.Roc(positive, scores, 0.9)),
            ("precision-recall", ModelCharts.PrecisionRecall(positive, scores, 0.9)),
            ("thresholds", ModelCharts.MetricsByThreshold(positive, scores)),
            ("confusion", ModelCharts.ConfusionMatrix(["False", "True"], [[280_000, 20_000], [25_000, 275_000]])),
            ("predicted", ModelCharts.PredictedVsActual(actual, predicted)),
            ("residuals", ModelCharts.Residuals(actual, predicted)),
            ("projection", ModelCharts.ClusterProjection(projection, Enumerable.Range(0, 3_000).Select(i => 1 + (i % 4)).ToArray(), 0.8)),
            ("importance", ModelCharts.FeatureImportance(columns, columns.Select((_, i) => 0.001 * (i + 1)).ToArray(), "RSquared")),
            ("curve", ModelCharts.LearningCurve("boosting iteration", Enumerable.Range(1, 500).Select(i => (double)i).ToArray(), Enumerable.Range(1, 500).Select(i => 1 - (1.0 / i)).ToArray(), null, "RSquared")),
            ("search", ModelCharts.SearchTrials(Enumerable.Range(0, 200).Select(i => 0.5 + (0.002 * i)).ToArray(), Enumerable.Range(0, 200).Select(i => $"trial {i}").ToArray(), "RSquared", higherIsBetter: true)),
        ];

        var page = ChartPage.Draw("model-charts-3m", charts);

        BrowserAssert.DrewEverything(page);
        Assert.All(charts, c => Assert.True(GenericChart.toJson(c.Item2).Length < 1_500_000, $"{c.Item1}: {GenericChart.toJson(c.Item2).Length:N0} characters of JSON"));
        Assert.Equal("scattergl", page["predicted"].Shown()[0].Type);
        Assert.True(page["predicted"].Shown()[0].Pixels > 1_000, page["predicted"].ToString());
        Assert.Contains("showing 20,000 of 600,000 test rows", ChartJson.Of(charts[4].Item2).Note, StringComparison.Ordinal);
        Assert.Equal(ModelCharts.MaxImportanceBars, page["importance"].Shown().Single().Bars);
        Assert.Equal("the 30 of 60 columns whose shuffling costs most", ChartJson.Of(charts[7].Item2).Note);
        Assert.Equal(4, page["projection"].Shown().Length);
    }
}
