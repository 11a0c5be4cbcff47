using Microsoft.ML;
using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Training;

public sealed class SaveLoadTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-save-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("penguins.csv", "species", "lightgbm", "Probability")]
    [InlineData("breast_cancer.csv", "diagnosis", "averaged-perceptron", "Probability")]
    [InlineData("diabetes.csv", "progression", "ols", "Score")]
    [InlineData("iris.csv", "", "kmeans", "Distance")]
    public void A_saved_model_loads_back_and_predicts_the_same(string file, string label, string trainer, string column)
    {
        var data = DataLoader.Load(Repo.Data(file)).Data;
        var options = label.Length == 0
            ? new TrainOptions { Task = "clustering", Trainer = trainer, Exclude = ["Species"], Explain = false }
            : new TrainOptions { Label = label, Trainer = trainer, Explain = false };
        var model = ModelTrainer.Train(data, options);
        var path = Path.Combine(_folder, "model.zip");
        model.Save(path);

        var loaded = TrainedModel.Load(path);
        Assert.Equal(model.Task, loaded.Task);
        Assert.Equal(model.Classes, loaded.Classes);
        Assert.Equal(model.Metrics, loaded.Metrics);
        Assert.Equal(model.Info.DataFingerprint, loaded.Info.DataFingerprint);
        Assert.Equal(Fingerprint.OfFile(Repo.Data(file)), loaded.Info.DataSourceFingerprint);
        Assert.Equal(model.Features, loaded.Features);
        Assert.Equal(model.Predict(data)[column].Cast<float?>(), loaded.Predict(data)[column].Cast<float?>());

        // The zip stays an ordinary ML.NET model.
        var mlnet = new MLContext().Model.Load(path, out var schema);
        Assert.NotNull(mlnet);
        Assert.Contains(schema, c => c.Name is "Numeric" or "Features");
    }

    [Fact]
    public void Loading_something_else_says_what_it_is()
    {
        var missing = Path.Combine(_folder, "nope.zip");
        Assert.StartsWith($"Could not find the file '{missing}'", Assert.Throws<NotebookException>(() => TrainedModel.Load(missing)).Message, StringComparison.Ordinal);
        var text = Path.Combine(_folder, "notes.zip");
        File.WriteAllText(text, "hello");
        Assert.StartsWith($"'{text}' is not a model zip", Assert.Throws<NotebookException>(() => TrainedModel.Load(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_on_other_data_gives_the_same_metric_names()
    {
        var data = DataLoader.Load(Repo.Data("iris.csv")).Data;
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "Species", Explain = false });
        var evaluation = model.EvaluateWithCharts(data);
        Assert.Equal(model.Metrics.Keys.Order(), evaluation.Metrics.Keys.Order());
        Assert.Equal(150, evaluation.Rows);
        Assert.NotEmpty(evaluation.Charts);
    }
}
