using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Tracking;

/// <summary>The prediction log, on both stores: what serving writes and what <c>#!drift … served:NAME</c> reads.</summary>
public abstract partial class RunStoreContract
{
    private static readonly Lazy<(DataFrame Data, TrainedModel Model)> _penguins = new(() =>
    {
        var data = DataLoader.Load(Repo.Data("penguins.csv")).Data;
        return (data, ModelTrainer.Train(data, new TrainOptions { DataName = "penguins", Label = "species", Trainer = "lightgbm", Seed = 1, Explain = false }));
    });

    [SkippableFact]
    public async Task The_prediction_log_keeps_every_answered_row_typed_as_the_model_takes_it_and_refused_requests_without_data()
    {
        var (data, model) = _penguins.Value;
        var location = Location;
        var log = PredictionLog.Open(location, "penguins");
        var version = log.Register(model, "model");
        Assert.Equal(1, version.Version);
        Assert.Equal((version.Version, version.Id), (log.Register(model, "model").Version, log.Register(model, "model").Id));

        // Rows 0-1 (one request) and row 3 (all NA but island and year; its own request), then a refused request.
        var first = Rows(model, data, [0, 1]);
        var second = Rows(model, data, [3]);
        var scorer = model.CreateScorer();
        var start = DateTimeOffset.UtcNow;
        await log.AppendAsync(version, start, 1.5, 200, null, first, scorer.Predict(first));
        await log.AppendAsync(version, start.AddMilliseconds(10), 0.5, 200, null, second, scorer.Predict(second));
        await log.AppendAsync(version, start.AddMilliseconds(20), 0.1, 400, "BAD_REQUEST");
        await log.DisposeAsync();
        Assert.Equal(3, log.Logged);
        Assert.Equal(3, log.LoggedRows);
        Assert.Equal(0, log.Pending);

        var traffic = Open().ReadTraffic("penguins");
        Assert.Equal([200, 200, 400], traffic.Requests.Select(r => r.Status));
        Assert.Equal([2, 1, 0], traffic.Requests.Select(r => r.Rows));
        Assert.Equal([null, null, "BAD_REQUEST"], traffic.Requests.Select(r => r.ErrorCode));
        Assert.All(traffic.Requests, r => Assert.Equal(1, r.ModelVersion));
        Assert.Equal(start.ToUnixTimeMilliseconds(), traffic.Requests[0].At.ToUnixTimeMilliseconds());
        Assert.Equal(1.5, traffic.Requests[0].LatencyMs);

        var expected = model.Predict(data);
        var rows = new[] { 0, 1, 3 };
        Assert.Equal(model.Inputs.Select(i => i.Name), traffic.Inputs.Columns.Select(c => c.Name));
        Assert.Equal(model.Inputs.Select(i => data[i.Name].DataType), traffic.Inputs.Columns.Select(c => c.DataType));
        foreach (var input in model.Inputs)
        {
            Assert.Equal(rows.Select(r => data[input.Name][r]), Enumerable.Range(0, 3).Select(r => traffic.Inputs[input.Name][r]));
        }

        Assert.Equal(["PredictedLabel", "Probability"], traffic.Outputs.Columns.Select(c => c.Name));
        Assert.Equal(rows.Select(r => expected["PredictedLabel"][r]), Enumerable.Range(0, 3).Select(r => traffic.Outputs["PredictedLabel"][r]));
        Assert.Equal(rows.Select(r => expected["Probability"][r]), Enumerable.Range(0, 3).Select(r => traffic.Outputs["Probability"][r]));
        Assert.Equal([start, start, start.AddMilliseconds(10)], traffic.RowTimes.Select(t => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds())).ToArray(),
            new Comparer());
        Assert.Single(traffic.Versions);
        Assert.Equal("lightgbm", traffic.Versions[0].Trainer);
    }

    [SkippableFact]
    public async Task Another_model_under_the_same_name_is_the_next_version_and_reads_take_a_window()
    {
        var (data, model) = _penguins.Value;
        var other = ModelTrainer.Train(data, new TrainOptions { DataName = "penguins", Label = "species", Trainer = "sdca", Seed = 1, Explain = false });
        var location = Location;
        var log = PredictionLog.Open(location, "species");
        var v1 = log.Register(model);
        var t0 = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 5; i++)
        {
            var rows = Rows(model, data, [i]);
            await log.AppendAsync(v1, t0.AddMinutes(i), 1, 200, null, rows, model.CreateScorer().Predict(rows));
        }

        var v2 = log.Register(other, "sdcaModel");
        Assert.Equal(2, v2.Version);
        var swapped = Rows(other, data, [10]);
        await log.AppendAsync(v2, t0.AddMinutes(10), 1, 200, null, swapped, other.CreateScorer().Predict(swapped));
        await log.FlushAsync();
        Assert.Equal(6, log.Logged);
        await log.DisposeAsync();

        var store = Open();
        Assert.Contains("species", store.ServedNames());
        Assert.Equal([1, 1, 1, 1, 1, 2], store.ReadTraffic("species").Requests.Select(r => r.ModelVersion));
        Assert.Equal([1, 2], store.ReadTraffic("species").Versions.Select(v => v.Version));
        Assert.Equal(3, store.ReadTraffic("species", since: t0.AddMinutes(3)).Requests.Count);
        Assert.Equal([t0.AddMinutes(4), t0.AddMinutes(10)], store.ReadTraffic("species", last: 2).RowTimes.Select(t => t.ToUniversalTime()));
        Assert.Equal(2, store.ReadTraffic("species", last: 2).Inputs.Rows.Count);

        var unknown = Assert.Throws<NotebookException>(() => store.ReadTraffic("specis")).Message;
        Assert.Contains("No model has been served as 'specis'", unknown, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'species'?", unknown, StringComparison.Ordinal);
    }

    /// <summary>Rows of <paramref name="data"/> as serving reads them.</summary>
    internal static InputRows Rows(TrainedModel model, DataFrame data, int[] indexes)
    {
        var rows = new InputRows(model.Inputs, indexes.Length);
        for (var i = 0; i < model.Inputs.Count; i++)
        {
            var column = data[model.Inputs[i].Name];
            for (var r = 0; r < indexes.Length; r++)
            {
                var value = column[indexes[r]];
                switch (model.Inputs[i].Type)
                {
                    case "string":
                        rows.Texts(i)[r] = (string?)value;
                        break;
                    case "datetime":
                        rows.Dates(i)[r] = (DateTime?)value;
                        break;
                    default:
                        rows.Numbers(i)[r] = value is null ? double.NaN : Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                        break;
                }
            }
        }

        return rows;
    }

    private sealed class Comparer : IEqualityComparer<DateTimeOffset>
    {
        public bool Equals(DateTimeOffset x, DateTimeOffset y) => x.ToUnixTimeMilliseconds() == y.ToUnixTimeMilliseconds();

        public int GetHashCode(DateTimeOffset obj) => obj.ToUnixTimeMilliseconds().GetHashCode();
    }
}
