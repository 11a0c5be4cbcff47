using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Training;

public sealed class ModelTrainerTests
{
    [Theory]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    [InlineData("sdca")]
    [InlineData("lbfgs")]
    public void Every_trainer_gives_identical_metrics_for_the_same_seed(string trainer)
    {
        var data = DataLoader.Load(Repo.Data("breast_cancer.csv")).Data;
        var options = new TrainOptions { Label = "diagnosis", Trainer = trainer, Seed = 3 };
        var first = ModelTrainer.Train(data, options);
        var second = ModelTrainer.Train(data, options);
        Assert.Equal(first.Metrics, second.Metrics);
        Assert.InRange(first.Metrics["AreaUnderRocCurve"], 0.9, 1.0);
    }

    [Fact]
    public void Regression_is_inferred_from_a_floating_point_label()
    {
        var data = DataLoader.Load(Repo.Data("diabetes.csv")).Data;
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "progression" });
        Assert.Equal(MLTask.Regression, model.Task);
        Assert.Contains("RSquared", model.Metrics.Keys);
    }

    [Fact]
    public void Predict_adds_a_predicted_label_column()
    {
        var data = DataLoader.Load(Repo.Data("penguins.csv")).Data;
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "species" });
        var predicted = model.Predict(data);
        Assert.Equal(data.Rows.Count, predicted.Rows.Count);
        Assert.Contains("PredictedLabel", predicted.Columns.Select(c => c.Name));
    }
}
