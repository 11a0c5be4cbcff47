using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Training;

/// <summary>The single-row scorer (what serving uses) against <see cref="TrainedModel.Predict"/>, and the inputs a model records.</summary>
public sealed class ScorerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-scorer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("penguins.csv", "species", "lightgbm")]
    [InlineData("penguins.csv", "species", "fasttree")]
    [InlineData("wine.csv", "cultivar", "fastforest")]
    [InlineData("iris.csv", "Species", "gam")]
    [InlineData("iris.csv", "Species", "lbfgs")]
    [InlineData("penguins.csv", "sex", "sdca")]
    [InlineData("breast_cancer.csv", "diagnosis", "fasttree")]
    [InlineData("diamonds.csv", "price", "lightgbm")]
    [InlineData("airquality.csv", "Ozone", "fastforest")]
    [InlineData("iris.csv", "", "kmeans")]
    public void The_scorer_predicts_exactly_what_Predict_gives_on_every_row(string file, string label, string trainer)
    {
        var data = DataLoader.Load(Repo.Data(file)).Data;
        if (data.Rows.Count > 3000)
        {
            data = data.Head(3000);
        }

        var options = label.Length == 0
            ? new TrainOptions { Task = "clustering", Trainer = trainer, Exclude = ["Species"], Explain = false }
            : new TrainOptions { Label = label, Trainer = trainer, Explain = false };
        var model = ModelTrainer.Train(data, options);
        // Through a saved zip as well: serving loads models that way.
        var path = Path.Combine(_folder, "model.zip");
        model.Save(path);
        foreach (var served in new[] { model, TrainedModel.Load(path) })
        {
            var expected = model.Predict(data);
            var rows = Rows(served, data);
            var scorer = served.CreateScorer();
            // One-versus-all models (trees and GAM on a multiclass label) are scored class by class on this thread.
            Assert.Equal(served.Task == MLTask.Multiclass && trainer is not "lbfgs" and not "sdca", scorer.ScoresClassesInline);
            var predictions = scorer.Predict(rows);
            Assert.Equal(data.Rows.Count, predictions.Length);
            foreach (var output in served.Outputs)
            {
                var column = expected[output.Name];
                object?[] actual = output.Name switch
                {
                    "PredictedLabel" => predictions.Select(p => (object?)p.PredictedLabel).ToArray(),
                    "Probability" => predictions.Select(p => (object?)p.Probability).ToArray(),
                    "Score" => predictions.Select(p => (object?)p.Score).ToArray(),
                    "Cluster" => predictions.Select(p => (object?)p.Cluster).ToArray(),
                    _ => predictions.Select(p => (object?)p.Distance).ToArray(),
                };
                Assert.Equal(Enumerable.Range(0, (int)column.Length).Select(i => column[i]), actual);
            }
        }
    }

    [Fact]
    public void A_model_records_its_inputs_with_types_missing_values_and_a_real_example_row_and_keeps_them_when_saved()
    {
        var data = DataLoader.Load(Repo.Data("penguins.csv")).Data;
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "species", Explain = false });
        Assert.Equal(
            ["island:string:Categorical:False", "bill_length_mm:double:Numeric:True", "bill_depth_mm:double:Numeric:True", "flipper_length_mm:int:Numeric:True",
             "body_mass_g:int:Numeric:True", "sex:string:Categorical:True", "year:int:Numeric:False"],
            model.Inputs.Select(i => $"{i.Name}:{i.Type}:{i.Kind}:{i.HasMissing}"));
        // The first row with every input present (row 4 of the file has NA everywhere but island and year).
        Assert.Equal(["Torgersen", "39.1", "18.7", "181", "3750", "male", "2007"], model.Inputs.Select(i => i.Example));
        Assert.Equal(["PredictedLabel", "Probability"], model.Outputs.Select(o => o.Name));

        var path = Path.Combine(_folder, "penguins.zip");
        model.Save(path);
        Assert.Equal(model.Inputs, TrainedModel.Load(path).Inputs);
    }

    [Fact]
    public void A_zip_saved_before_inputs_were_recorded_still_loads_with_inputs_guessed_from_the_features()
    {
        var data = DataLoader.Load(Repo.Data("penguins.csv")).Data;
        var model = ModelTrainer.Train(data, new TrainOptions { Label = "species", Explain = false });
        var path = Path.Combine(_folder, "old.zip");
        model.Save(path);
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry(TrainedModel.MetadataEntry)!;
            string json;
            using (var reader = new StreamReader(entry.Open()))
            {
                json = reader.ReadToEnd();
            }

            var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
            Assert.True(node.Remove("Inputs"));
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(TrainedModel.MetadataEntry).Open());
            writer.Write(node.ToJsonString());
        }

        var loaded = TrainedModel.Load(path);
        Assert.Equal(["island:string:True", "bill_length_mm:double:True", "year:double:False"],
            loaded.Inputs.Where(i => i.Name is "island" or "bill_length_mm" or "year").Select(i => $"{i.Name}:{i.Type}:{i.HasMissing}"));
        Assert.All(loaded.Inputs, i => Assert.Null(i.Example));
        Assert.Equal(model.Predict(data)["Probability"].Cast<float?>(), loaded.Predict(data)["Probability"].Cast<float?>());
    }

    /// <summary>The frame's input columns as the serving API reads them.</summary>
    private static InputRows Rows(TrainedModel model, DataFrame data)
    {
        var rows = new InputRows(model.Inputs, (int)data.Rows.Count);
        for (var i = 0; i < model.Inputs.Count; i++)
        {
            var column = data[model.Inputs[i].Name];
            for (var r = 0; r < rows.Count; r++)
            {
                var value = column[r];
                switch (model.Inputs[i].Type)
                {
                    case "string":
                        rows.Texts(i)[r] = (string?)value;
                        break;
                    case "datetime":
                        rows.Dates(i)[r] = (DateTime?)value;
                        break;
                    default:
                        rows.Numbers(i)[r] = value is null ? double.NaN : value is bool b ? (b ? 1 : 0) : Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                        break;
                }
            }
        }

        return rows;
    }
}
