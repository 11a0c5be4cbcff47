using System.Globalization;
using Microsoft.Data.Analysis;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;

namespace Notebooks.ML.Drift;

/// <summary>
/// Brings requests a model answered elsewhere (an older service's logs, a replay of last week) into a run store's
/// prediction log, so that <c>#!drift MODEL served:NAME</c> and <c>#!monitor NAME</c> read them like the traffic
/// <c>#!serve</c> logs. The model predicts each row again, as the server would have.
/// </summary>
public static class ServedHistory
{
    /// <summary>
    /// Logs the rows of <paramref name="inputs"/> as answered by <paramref name="model"/> under the server name
    /// <paramref name="server"/> in the run store at <paramref name="store"/> (a SQLite file or a PostgreSQL
    /// connection string; null: the default store). Row <c>i</c> was answered at <paramref name="times"/>[i]; consecutive
    /// rows with the same time are one request, whose latency is that of its first row in <paramref name="latencyMs"/>
    /// (default 0). Returns the number of requests logged.
    /// </summary>
    /// <exception cref="NotebookException">A column the model takes is missing, or the times do not match the rows.</exception>
    public static async Task<int> ImportAsync(
        string? store, string server, TrainedModel model, DataFrame inputs, IReadOnlyList<DateTimeOffset> times,
        IReadOnlyList<double>? latencyMs = null, string? modelName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(times);
        var rows = (int)inputs.Rows.Count;
        if (times.Count != rows || (latencyMs is not null && latencyMs.Count != rows))
        {
            throw Errors.Fail($"ServedHistory needs one time{(latencyMs is null ? "" : " and one latency")} per row: the data has {rows:N0} rows, but {times.Count:N0} times{(latencyMs is null ? "" : $" and {latencyMs.Count:N0} latencies")} were given.");
        }

        var columns = model.Inputs.Select(i => Data.Columns.Find(inputs, i.Name, "an input")).ToArray();
        await using var log = PredictionLog.Open(store, server);
        var version = log.Register(model, modelName);
        var scorer = model.CreateScorer();
        var requests = 0;
        for (var start = 0; start < rows; requests++)
        {
            var end = start + 1;
            while (end < rows && times[end] == times[start])
            {
                end++;
            }

            var batch = new InputRows(model.Inputs, end - start);
            for (var c = 0; c < columns.Length; c++)
            {
                Fill(batch, c, columns[c], start);
            }

            await log.AppendAsync(version, times[start], latencyMs?[start] ?? 0, 200, null, batch, scorer.Predict(batch)).ConfigureAwait(false);
            start = end;
        }

        return requests;
    }

    private static void Fill(InputRows batch, int c, DataFrameColumn column, int offset)
    {
        var type = batch.Inputs[c].Type;
        for (var r = 0; r < batch.Count; r++)
        {
            var value = column[offset + r];
            if (value is null)
            {
                continue;
            }

            if (type == "string")
            {
                batch.Texts(c)[r] = Convert.ToString(value, CultureInfo.InvariantCulture);
            }
            else if (type == "datetime")
            {
                batch.Dates(c)[r] = value as DateTime?;
            }
            else
            {
                batch.Numbers(c)[r] = value is bool b ? (b ? 1 : 0) : Convert.ToDouble(value, CultureInfo.InvariantCulture);
            }
        }
    }
}
