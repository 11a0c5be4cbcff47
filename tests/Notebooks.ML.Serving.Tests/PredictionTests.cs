using System.Text.Json;
using Microsoft.Data.Analysis;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;

namespace Notebooks.ML.Serving.Tests;

/// <summary>Every request format gives exactly what <see cref="TrainedModel.Predict"/> gives, and every answered row is logged.</summary>
public sealed class PredictionTests
{
    // Row 3 of penguins is NA everywhere but island and year: nulls in the columns that may be null.
    private static readonly int[] _rows = [0, 1, 2, 3, 4, 20, 100, 200, 300, 343];

    [Fact]
    public async Task Every_request_format_predicts_exactly_what_Predict_gives()
    {
        var model = Models.PenguinsLightGbm;
        var data = Models.Penguins;
        var expected = model.Predict(data);
        await using var served = await Served.StartAsync(model);

        var bodies = new (string Path, string Body, string Type)[]
        {
            ("/invocations", Bodies.Split(model, data, _rows), "application/json"),
            ("/invocations", Bodies.Records("dataframe_records", model, data, _rows), "application/json"),
            ("/invocations", Bodies.Records("instances", model, data, _rows), "application/json; charset=utf-8"),
            ("/invocations", Bodies.Records("inputs", model, data, _rows), "application/json"),
            ("/invocations", Bodies.Columns(model, data, _rows), "application/json"),
            ("/invocations", Bodies.Csv(model, data, _rows), "text/csv"),
        };
        foreach (var (path, body, type) in bodies)
        {
            var (status, answer) = await served.PostAsync(path, body, type);
            Assert.True(status == 200, $"{body[..30]}: {status} {answer}");
            AssertSame(expected, _rows, Bodies.Predictions(answer), model);
        }

        foreach (var row in _rows)
        {
            var (status, answer) = await served.PostAsync("/predict", Bodies.Record(model, data, row).ToJsonString());
            Assert.Equal(200, status);
            Assert.StartsWith("{\"PredictedLabel\":", answer, StringComparison.Ordinal);
            AssertSame(expected, [row], Bodies.Predictions(answer), model);
        }

        // Six batches of ten rows and ten single rows, every one of them in the log after a graceful stop.
        await served.Server.StopAsync();
        Assert.Equal(16, served.Server.Host.Stats.Requests);
        using var store = RunStore.Open(served.Store);
        var traffic = store.ReadTraffic("penguins");
        Assert.Equal(16, traffic.Requests.Count);
        Assert.Equal(70, traffic.Inputs.Rows.Count);
        Assert.Equal(expected["PredictedLabel"][_rows[3]], traffic.Outputs["PredictedLabel"][3]);
        Assert.Null(traffic.Inputs["bill_length_mm"][3]);
        Assert.Equal("Torgersen", traffic.Inputs["island"][3]);
    }

    [Fact]
    public async Task Every_input_type_reads_as_training_typed_it_float_long_bool_and_datetime()
    {
        var model = Models.TypedModel;
        var data = Models.TypedData;
        Assert.Equal(["f:float:True", "l:long:False", "b:bool:False", "d:datetime:False"], model.Inputs.Select(i => $"{i.Name}:{i.Type}:{i.HasMissing}"));
        var expected = model.Predict(data);
        await using var served = await Served.StartAsync(model, o => o.Name = "typed");
        int[] rows = [0, 1, 5, 7, 100, 399];
        foreach (var body in new[] { Bodies.Split(model, data, rows), Bodies.Records("dataframe_records", model, data, rows) })
        {
            var (status, answer) = await served.PostAsync("/invocations", body);
            Assert.True(status == 200, answer);
            AssertSame(expected, rows, Bodies.Predictions(answer), model);
        }

        var (csvStatus, csvAnswer) = await served.PostAsync("/invocations", Bodies.Csv(model, data, rows), "text/csv");
        Assert.True(csvStatus == 200, csvAnswer);
        AssertSame(expected, rows, Bodies.Predictions(csvAnswer), model);

        await served.Server.StopAsync();
        using var store = RunStore.Open(served.Store);
        var traffic = store.ReadTraffic("typed");
        Assert.Equal([typeof(float), typeof(long), typeof(bool), typeof(DateTime)], traffic.Inputs.Columns.Select(c => c.DataType));
        Assert.Equal(rows.Concat(rows).Concat(rows).Select(r => data["d"][r]), Enumerable.Range(0, 18).Select(i => traffic.Inputs["d"][i]));
        Assert.Equal(rows.Concat(rows).Concat(rows).Select(r => data["f"][r]), Enumerable.Range(0, 18).Select(i => traffic.Inputs["f"][i]));
    }

    [Fact]
    public async Task The_curl_line_on_the_card_works_when_pasted_into_a_shell()
    {
        var model = Models.PenguinsLightGbm;
        await using var served = await Served.StartAsync(model);
        var expected = model.CreateScorer().Predict(ExampleRows.Of(model), 0);
        foreach (var invocations in new[] { false, true })
        {
            var line = ExampleRows.Curl(model, served.Server.Url, invocations: invocations);
            var result = await Notebooks.Tests.Processes.RunAsync("bash", ["-c", line], Path.GetTempPath());
            Assert.True(result.ExitCode == 0, result.All);
            var prediction = Assert.Single(Bodies.Predictions(result.Output));
            Assert.Equal(expected.PredictedLabel, prediction.GetProperty("PredictedLabel").GetString());
            Assert.Equal(expected.Probability, prediction.GetProperty("Probability").GetSingle());
        }

        // A quote inside a value survives the shell's quoting.
        Assert.Equal("'it'\\''s'", ExampleRows.ShellQuote("it's"));
    }

    internal static void AssertSame(DataFrame expected, int[] rows, IReadOnlyList<JsonElement> predictions, TrainedModel model)
    {
        Assert.Equal(rows.Length, predictions.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            foreach (var output in model.Outputs)
            {
                var actual = predictions[i].GetProperty(output.Name);
                object? value = output.Type switch
                {
                    "string" => actual.GetString(),
                    "int" => actual.GetInt32(),
                    _ => actual.GetSingle(),
                };
                Assert.Equal(expected[output.Name][rows[i]], value);
            }
        }
    }
}
