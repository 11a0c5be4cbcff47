using Microsoft.Data.Analysis;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;

namespace Notebooks.Tests;

/// <summary>
/// Writes served traffic to a run store's prediction log the way a server does (PredictionLog, ModelScorer): the
/// rows of a DataFrame in requests of a few rows, at the times given. For tests of #!drift served:NAME and #!monitor
/// that do not need a running HTTP server.
/// </summary>
internal static class Traffic
{
    public static async Task LogAsync(
        string store, string server, TrainedModel model, DataFrame frame, DateTimeOffset start, TimeSpan step,
        int batch = 10, Func<int, double>? latencyMs = null, Func<int, int>? refusedEvery = null)
    {
        await using var log = PredictionLog.Open(store, server);
        var version = log.Register(model, "model");
        var scorer = model.CreateScorer();
        var rows = (int)frame.Rows.Count;
        var request = 0;
        for (var offset = 0; offset < rows; offset += batch, request++)
        {
            var at = start + (step * request);
            if (refusedEvery?.Invoke(request) is > 0)
            {
                await log.AppendAsync(version, at, 1, 400, "BAD_REQUEST");
            }

            var count = Math.Min(batch, rows - offset);
            var inputs = new InputRows(model.Inputs, count);
            for (var c = 0; c < model.Inputs.Count; c++)
            {
                var column = frame.Columns[model.Inputs[c].Name];
                for (var r = 0; r < count; r++)
                {
                    var value = column[offset + r];
                    switch (model.Inputs[c].Type)
                    {
                        case "string":
                            inputs.Texts(c)[r] = value as string;
                            break;
                        case "datetime":
                            inputs.Dates(c)[r] = value as DateTime?;
                            break;
                        default:
                            inputs.Numbers(c)[r] = value switch
                            {
                                null => double.NaN,
                                bool b => b ? 1 : 0,
                                var v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture),
                            };
                            break;
                    }
                }
            }

            await log.AppendAsync(version, at, latencyMs?.Invoke(request) ?? 5, 200, null, inputs, scorer.Predict(inputs));
        }
    }
}
