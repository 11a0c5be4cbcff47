using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Training;

public sealed class ExplainTests
{
    [Theory]
    [InlineData("lightgbm", "boosting iteration")]
    [InlineData("fasttree", "boosting iteration")]
    [InlineData("fastforest", "trees")]
    public void The_tree_learning_curve_replays_the_trees_and_ends_at_the_test_metric(string trainer, string axis)
    {
        var data = DataLoader.Load(Repo.Data("breast_cancer.csv")).Data;
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "diagnosis", Trainer = trainer, Split = "mod5" });
        var curve = model.LearningCurve!;
        Assert.Equal(axis, curve.Axis);
        Assert.Equal(100, curve.Steps[^1]);
        Assert.Equal(model.Metrics["AreaUnderRocCurve"], curve.Validation[^1], 3);
    }

    [Fact]
    public void The_regression_tree_curve_ends_at_the_test_r_squared()
    {
        var data = DataLoader.Load(Repo.Data("diabetes.csv")).Data;
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "progression", Split = "mod5" });
        Assert.Equal(model.Metrics["RSquared"], model.LearningCurve!.Validation[^1], 3);
    }

    [Fact]
    public void With_missing_feature_values_the_curve_still_ends_at_the_test_metric()
    {
        // airquality's Solar.R has missing values, which LightGBM routes by a learned side, not by threshold.
        var data = DataLoader.Load(Repo.Data("airquality.csv")).Data;
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "Ozone", Split = "mod5" });
        Assert.Equal(model.Metrics["RSquared"], model.LearningCurve!.Validation[^1], 3);
    }

    [Fact]
    public void Other_trainers_get_a_curve_over_training_set_size()
    {
        var data = DataLoader.Load(Repo.Data("breast_cancer.csv")).Data;
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "diagnosis", Trainer = "lbfgs" });
        var curve = model.LearningCurve!;
        Assert.Equal("training rows", curve.Axis);
        Assert.Equal(model.Info.TrainRows, curve.Steps[^1]);
        Assert.True(curve.Steps.Count >= 3);
    }

    [Fact]
    public void Shuffling_the_most_informative_column_costs_the_most()
    {
        var data = DataLoader.Load(Repo.Data("iris.csv")).Data;
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "Species", Seed = 2 });
        Assert.Equal(4, model.Importance.Count);
        Assert.StartsWith("Petal", model.Importance[0].Column, StringComparison.Ordinal);
        Assert.True(model.Importance[0].Drop > 0.1);
    }
}
