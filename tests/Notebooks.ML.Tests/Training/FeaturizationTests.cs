using Microsoft.Data.Analysis;
using Notebooks.ML.Training;

namespace Notebooks.ML.Tests.Training;

public sealed class FeaturizationTests
{
    /// <summary>Every kind of column, 200 rows, a label that depends on several of them.</summary>
    private static DataFrame Mixed()
    {
        const int rows = 200;
        var random = new Random(5);
        var x = Enumerable.Range(0, rows).Select(i => i % 10 == 0 ? (double?)null : random.NextDouble() * 10).ToArray();
        var flag = Enumerable.Range(0, rows).Select(i => (bool?)(i % 3 == 0)).ToArray();
        var color = Enumerable.Range(0, rows).Select(i => new[] { "red", "green", "blue" }[i % 3]).ToArray();
        var city = Enumerable.Range(0, rows).Select(i => $"city{i % 120}").ToArray();
        var when = Enumerable.Range(0, rows).Select(i => (DateTime?)new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i * 3).AddHours(i % 24)).ToArray();
        string[] words = ["great", "poor", "service", "the", "food", "was", "slow", "fast", "friendly", "rude", "and", "very"];
        var review = Enumerable.Range(0, rows).Select(i => string.Join(' ', Enumerable.Range(0, 8).Select(_ => words[random.Next(words.Length)]))).ToArray();
        var label = Enumerable.Range(0, rows).Select(i => (x[i] ?? 5) + (flag[i] == true ? 3 : 0) + (color[i] == "red" ? 2 : 0) > 8 ? "yes" : "no").ToArray();
        return new DataFrame(
            new Int32DataFrameColumn("id", Enumerable.Range(1, rows)),
            new DoubleDataFrameColumn("x", x),
            new BooleanDataFrameColumn("flag", flag),
            new StringDataFrameColumn("color", color),
            new StringDataFrameColumn("city", city),
            new PrimitiveDataFrameColumn<DateTime>("when", when),
            new StringDataFrameColumn("review", review),
            new StringDataFrameColumn("code", Enumerable.Range(0, rows).Select(i => $"C-{i:D4}")),
            new StringDataFrameColumn("label", label));
    }

    [Fact]
    public void Each_kind_of_column_is_featurized_and_identifiers_are_left_out_with_a_note()
    {
        var model = ModelTrainer.Train(Mixed(), new TrainOptions { Label = "label", Explain = false });
        var kinds = model.Features.ToDictionary(f => f.Column, f => f.Kind);
        Assert.Equal(FeatureKind.Numeric, kinds["x"]);
        Assert.True(model.Features.Single(f => f.Column == "x").MissingIndicator);
        Assert.Contains("missing → training mean, with an indicator column", model.Features.Single(f => f.Column == "x").Detail, StringComparison.Ordinal);
        Assert.Equal(FeatureKind.Boolean, kinds["flag"]);
        Assert.Equal(FeatureKind.Categorical, kinds["color"]);
        Assert.Equal(FeatureKind.Hashed, kinds["city"]);
        Assert.Equal(FeatureKind.DateTime, kinds["when"]);
        Assert.Equal(FeatureKind.Text, kinds["review"]);
        Assert.Equal(["id", "code"], model.Skipped.Select(s => s.Column));
        Assert.Contains("row identifier", model.Skipped[0].Reason, StringComparison.Ordinal);
        Assert.Contains("unique per row", model.Skipped[1].Reason, StringComparison.Ordinal);
        Assert.InRange(model.Metrics["Accuracy"], 0.8, 1.0);
    }

    [Fact]
    public void Features_and_exclude_override_the_automatic_choice()
    {
        var data = Mixed();
        var only = ModelTrainer.Train(data, new TrainOptions { Label = "label", Features = ["x", "code"], Explain = false });
        Assert.Equal(["x", "code"], only.Features.Select(f => f.Column));
        var without = ModelTrainer.Train(data, new TrainOptions { Label = "label", Exclude = ["review", "city"], Explain = false });
        Assert.DoesNotContain(without.Features, f => f.Column is "review" or "city");
    }

    [Fact]
    public void An_unknown_feature_column_is_named()
    {
        var message = Assert.Throws<NotebookException>(() => ModelTrainer.Train(Mixed(), new TrainOptions { Label = "label", Exclude = ["colour"] })).Message;
        Assert.StartsWith("Could not find the --exclude column 'colour' in the DataFrame. Did you mean 'color'?", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predicting_fills_missing_numbers_with_the_training_mean()
    {
        var data = Mixed();
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "label", Explain = false });
        var predicted = model.Predict(data);
        Assert.DoesNotContain(predicted["Probability"].Cast<float?>(), p => p is null || float.IsNaN(p.Value));
    }
}
