using Microsoft.Data.Analysis;
using Notebooks.ML.Drift;
using Notebooks.ML.Training;

namespace Notebooks.Tests;

/// <summary>Served traffic for tests of #!drift served:NAME and #!monitor without an HTTP server: the rows of a DataFrame in requests of a few rows each.</summary>
internal static class Traffic
{
    public static Task<int> LogAsync(string store, string server, TrainedModel model, DataFrame frame, DateTimeOffset start, TimeSpan step, int batch = 10, Func<int, double>? latencyMs = null)
    {
        var rows = (int)frame.Rows.Count;
        var times = Enumerable.Range(0, rows).Select(r => start + (step * (r / batch))).ToList();
        var latencies = Enumerable.Range(0, rows).Select(r => latencyMs?.Invoke(r / batch) ?? 5).ToList();
        return ServedHistory.ImportAsync(store, server, model, frame, times, latencies, "model");
    }
}
