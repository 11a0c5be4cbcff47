using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Training;

public sealed class ModelTrainerTests
{
    private static DataFrame Load(string file) => DataLoader.Load(Repo.Data(file)).Data;

    [Theory]
    [InlineData("breast_cancer.csv", "diagnosis", "lightgbm")]
    [InlineData("breast_cancer.csv", "diagnosis", "fasttree")]
    [InlineData("breast_cancer.csv", "diagnosis", "fastforest")]
    [InlineData("breast_cancer.csv", "diagnosis", "gam")]
    [InlineData("breast_cancer.csv", "diagnosis", "sdca")]
    [InlineData("breast_cancer.csv", "diagnosis", "lbfgs")]
    [InlineData("breast_cancer.csv", "diagnosis", "averaged-perceptron")]
    [InlineData("iris.csv", "Species", "lightgbm")]
    [InlineData("iris.csv", "Species", "fasttree")]
    [InlineData("iris.csv", "Species", "fastforest")]
    [InlineData("iris.csv", "Species", "gam")]
    [InlineData("iris.csv", "Species", "sdca")]
    [InlineData("iris.csv", "Species", "lbfgs")]
    [InlineData("diabetes.csv", "progression", "lightgbm")]
    [InlineData("diabetes.csv", "progression", "fasttree")]
    [InlineData("diabetes.csv", "progression", "fastforest")]
    [InlineData("diabetes.csv", "progression", "gam")]
    [InlineData("diabetes.csv", "progression", "sdca")]
    [InlineData("diabetes.csv", "progression", "ols")]
    public void Every_trainer_gives_identical_metrics_and_predictions_for_the_same_seed(string file, string label, string trainer)
    {
        var data = Load(file);
        var options = new TrainOptions { Label = label, Trainer = trainer, Seed = 3, Explain = false };
        var first = ModelTrainer.Train(data, options);
        var second = ModelTrainer.Train(data, options);
        Assert.Equal(first.Metrics, second.Metrics);
        var column = first.Task == MLTask.Regression ? "Score" : "Probability";
        Assert.Equal(first.Predict(data)[column].Cast<float?>(), second.Predict(data)[column].Cast<float?>());
        var (metric, _) = Evaluation.Primary(first.Task);
        Assert.InRange(first.Metrics[metric], first.Task == MLTask.Regression ? 0.1 : 0.85, 1.0);
    }

    [Fact]
    public void Kmeans_is_deterministic_and_finds_three_groups_in_iris()
    {
        var data = Load("iris.csv");
        var options = new TrainOptions { Task = "clustering", Clusters = 3, Exclude = ["Species"], Seed = 4 };
        var first = ModelTrainer.Train(data, options);
        var second = ModelTrainer.Train(data, options);
        Assert.Equal(MLTask.Clustering, first.Task);
        Assert.Equal(first.Metrics, second.Metrics);
        Assert.Contains("AverageDistance", first.Metrics.Keys);
        var clusters = first.Predict(data)["Cluster"].Cast<int?>().ToArray();
        Assert.Equal(3, clusters.Distinct().Count());
        // The clusters match the species for most rows (setosa is cleanly apart).
        var species = data["Species"].Cast<string>().ToArray();
        var agreement = clusters.Zip(species).GroupBy(p => p.First).Sum(g => g.GroupBy(p => p.Second).Max(s => s.Count()));
        Assert.True(agreement >= 120, $"{agreement} of 150 rows agree with the majority species of their cluster.");
    }

    [Fact]
    public void Ols_is_exact_least_squares()
    {
        // y = 3a − 2b + 5, no noise: least squares recovers it, so predictions equal the truth.
        var a = Enumerable.Range(0, 50).Select(i => (double)(i % 7)).ToArray();
        var b = Enumerable.Range(0, 50).Select(i => (double)((i * 13) % 11)).ToArray();
        var frame = new DataFrame(
            new DoubleDataFrameColumn("a", a),
            new DoubleDataFrameColumn("b", b),
            new DoubleDataFrameColumn("y", a.Zip(b, (x, z) => (3 * x) - (2 * z) + 5)));
        var model = ModelTrainer.Train(frame, new TrainOptions { Label = "y", Trainer = "ols", Explain = false });
        Assert.Equal(1.0, model.Metrics["RSquared"], 5);
        Assert.True(model.Metrics["RootMeanSquaredError"] < 1e-3);
    }

    [Fact]
    public void Ols_matches_numpy_lstsq_on_diabetes()
    {
        // numpy.linalg.lstsq on the same mod-5 split: R² 0.519039, RMSE 52.687142.
        var model = ModelTrainer.Train(Load("diabetes.csv"), new TrainOptions { Label = "progression", Trainer = "ols", Split = "mod5", Explain = false });
        Assert.Equal(0.519039, model.Metrics["RSquared"], 3);
        Assert.Equal(52.687142, model.Metrics["RootMeanSquaredError"], 1);
    }

    [Fact]
    public void Ols_solves_collinear_one_hot_columns_with_the_smallest_ridge()
    {
        var model = ModelTrainer.Train(Load("penguins.csv"), new TrainOptions { Label = "body_mass_g", Trainer = "ols", Split = "mod5", Explain = false });
        Assert.InRange(model.Metrics["RSquared"], 0.8, 1.0);
    }

    [Fact]
    public void Folds_give_the_mean_and_spread_of_every_metric_and_refit_on_all_rows()
    {
        var data = Load("breast_cancer.csv");
        var options = new TrainOptions { Label = "diagnosis", Folds = 5, Explain = false };
        var model = ModelTrainer.Train(data, options);
        Assert.Equal(5, model.Info.Folds);
        Assert.Equal(569, model.Info.TrainRows);
        Assert.NotNull(model.MetricsSpread);
        Assert.Equal(model.Metrics.Keys.Order(), model.MetricsSpread!.Keys.Order());
        Assert.InRange(model.MetricsSpread["AreaUnderRocCurve"], 1e-6, 0.05);
        Assert.InRange(model.Metrics["AreaUnderRocCurve"], 0.97, 1.0);
        Assert.Equal(model.Metrics, ModelTrainer.Train(data, options).Metrics);
    }

    [Fact]
    public void The_mod5_split_holds_out_every_fifth_labelled_row()
    {
        var model = ModelTrainer.Train(Load("airquality.csv"), new TrainOptions { Label = "Ozone", Split = "mod5", Explain = false });
        // 116 rows have an Ozone value: positions 0, 5, … 115 are the test set.
        Assert.Equal(24, model.Info.TestRows);
        Assert.Equal(92, model.Info.TrainRows);
        Assert.Contains("% 5 == 0", model.Info.Split, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_task_has_its_charts()
    {
        static string[] Titles(TrainedModel m) => m.Charts.Select(c => Plotly.NET.GenericChart.toChartHTML(c)).ToArray();
        var binary = Titles(ModelTrainer.Train(Load("breast_cancer.csv"), new TrainOptions { Label = "diagnosis" }));
        foreach (var title in new[] { "ROC curve", "Precision–recall", "Confusion matrix", "Metrics by threshold", "Permutation feature importance", "Learning curve" })
        {
            Assert.Contains(binary, c => c.Contains(title, StringComparison.Ordinal));
        }

        var multiclass = Titles(ModelTrainer.Train(Load("iris.csv"), new TrainOptions { Label = "Species" }));
        Assert.Contains(multiclass, c => c.Contains("Per-class metrics", StringComparison.Ordinal));
        var regression = Titles(ModelTrainer.Train(Load("diabetes.csv"), new TrainOptions { Label = "progression" }));
        Assert.Contains(regression, c => c.Contains("Predicted vs actual", StringComparison.Ordinal));
        Assert.Contains(regression, c => c.Contains("Residuals", StringComparison.Ordinal));
        var clusters = Titles(ModelTrainer.Train(Load("iris.csv"), new TrainOptions { Task = "clustering", Exclude = ["Species"] }));
        Assert.Contains(clusters, c => c.Contains("Cluster sizes", StringComparison.Ordinal));
        Assert.Contains(clusters, c => c.Contains("Clusters in two dimensions", StringComparison.Ordinal));
        Assert.Contains(clusters, c => c.Contains("Learning curve", StringComparison.Ordinal));
    }

    [Fact]
    public void Regression_is_inferred_from_a_floating_point_label_and_says_why()
    {
        var model = ModelTrainer.Train(Load("diabetes.csv"), new TrainOptions { Label = "progression", Explain = false });
        Assert.Equal(MLTask.Regression, model.Task);
        Assert.StartsWith("inferred: 'progression' holds numbers", model.TaskReason, StringComparison.Ordinal);
        Assert.Equal("auto: the default for regression", model.Info.TrainerReason);
    }

    [Fact]
    public void Predict_adds_a_predicted_label_column()
    {
        var data = Load("penguins.csv");
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "species", Explain = false });
        var predicted = model.Predict(data);
        Assert.Equal(data.Rows.Count, predicted.Rows.Count);
        Assert.Contains("PredictedLabel", predicted.Columns.Select(c => c.Name));
        Assert.Contains("Probability", predicted.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Progress_moves_forward_through_the_phases_and_counts_folds()
    {
        var reports = new List<TrainingProgress>();
        ModelTrainer.Train(Load("iris.csv"), new TrainOptions { Label = "Species", Folds = 3 }, new ListProgress(reports));
        Assert.Equal("Preparing data", reports[0].Phase);
        Assert.Equal("Done", reports[^1].Phase);
        Assert.Contains(reports, r => r.Counter == "fold 3 of 3" && r.Best is not null);
        Assert.Contains(reports, r => r.Phase == "Explaining");
        for (var i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].Fraction >= reports[i - 1].Fraction, $"{reports[i].Phase} went back from {reports[i - 1].Fraction} to {reports[i].Fraction}");
            Assert.True(reports[i].Elapsed >= reports[i - 1].Elapsed);
        }
    }

    [Fact]
    public void Cancelling_stops_a_long_training_within_two_seconds()
    {
        var data = Load("diamonds.csv");
        using var cancel = new CancellationTokenSource();
        var options = new TrainOptions { Label = "price", Hyperparameters = new Dictionary<string, string> { ["NumberOfIterations"] = "100000" } };
        var training = Task.Run(() => ModelTrainer.Train(data, options, new CancelWhenTraining(cancel), cancel.Token));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(SpinWait.SpinUntil(() => cancel.IsCancellationRequested, TimeSpan.FromSeconds(60)), "training never started");
        stopwatch.Restart();
        Assert.ThrowsAny<OperationCanceledException>(() => training.GetAwaiter().GetResult());
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"stopping took {stopwatch.Elapsed}");
    }

    internal sealed class ListProgress(List<TrainingProgress> list) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => list.Add(value);
    }

    /// <summary>Cancels one second into the training phase, so that the fit is surely under way.</summary>
    private sealed class CancelWhenTraining(CancellationTokenSource cancel) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Phase == "Training")
            {
                cancel.CancelAfter(TimeSpan.FromSeconds(1));
            }
        }
    }
}
