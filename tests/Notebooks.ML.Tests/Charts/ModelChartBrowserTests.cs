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
    }
}
