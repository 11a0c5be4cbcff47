using System.Net;
using Notebooks.ML.Charts;
using Plotly.NET;

namespace Notebooks.ML.Tracking;

/// <summary>Charts of the experiment log, in the shared chart style.</summary>
internal static class RunCharts
{
    /// <summary>
    /// A metric across runs, oldest to newest: one marker per run coloured by trainer (hollow when stale), error bars of
    /// one standard deviation across folds where runs have folds, and the best value so far as a step line.
    /// </summary>
    public static GenericChart Metric(IReadOnlyList<Run> newestFirst, string metric)
    {
        var recorded = newestFirst.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal).ToList();
        var name = recorded.FirstOrDefault(m => m.Equals(metric, StringComparison.Ordinal))
                   ?? recorded.FirstOrDefault(m => m.Equals(metric, StringComparison.OrdinalIgnoreCase))
                   ?? throw RunErrors.UnknownMetric(metric, recorded);
        var runs = newestFirst.Where(r => r.Metrics.TryGetValue(name, out var v) && !double.IsNaN(v)).OrderBy(r => r.Id).ToList();
        var lowerIsBetter = LowerIsBetter(name);

        var traces = new List<Trace>();
        // One run has no "best so far" to show: a line of one point draws nothing but its legend entry.
        if (runs.Count > 1)
        {
            traces.Add(BestSoFar(runs, name, lowerIsBetter));
        }

        var trainers = runs.Select(r => r.Trainer).Distinct(StringComparer.Ordinal).ToList();
        for (var t = 0; t < trainers.Count; t++)
        {
            var group = runs.Where(r => r.Trainer == trainers[t]).ToList();
            var color = ChartStyle.ColorAt(t);
            var points = new Trace2D("scatter");
            points.SetProperty("x", group.Select(r => r.Name).ToArray());
            points.SetProperty("y", group.Select(r => r.Metrics[name]).ToArray());
            points.SetProperty("mode", "markers");
            points.SetProperty("name", trainers[t]);
            points.SetProperty("marker", new Dictionary<string, object>
            {
                ["color"] = color,
                ["size"] = 10,
                ["symbol"] = group.Select(r => r.Stale is null ? "circle" : "circle-open").ToArray(),
                ["line"] = new Dictionary<string, object> { ["color"] = color, ["width"] = 2 },
            });
            points.SetProperty("text", group.Select(Hover).ToArray());
            points.SetProperty("hovertemplate", $"%{{x}} · {Escape(name)}=%{{y}}<br>%{{text}}<extra></extra>");
            if (group.Any(r => r.FoldMetrics.Count > 1))
            {
                points.SetProperty("error_y", new Dictionary<string, object>
                {
                    ["type"] = "data",
                    ["array"] = group.Select(r => FoldDeviation(r, name)).ToArray(),
                    ["visible"] = true,
                    ["color"] = color,
                });
            }

            traces.Add(points);
        }

        var stale = runs.Count(r => r.Stale is not null);
        var notes = new List<string> { runs.Count == 1 ? "1 run" : $"{runs.Count} runs, oldest to newest" };
        if (runs.Any(r => r.FoldMetrics.Count > 1))
        {
            notes.Add("bars: ± one standard deviation across folds");
        }

        if (stale > 0)
        {
            notes.Add($"hollow: {stale} stale (trained on data since reloaded)");
        }

        var layout = ChartStyle.Layout($"{name} across runs", "run", name, string.Join(" · ", notes));
        ChartStyle.SetAxis(layout, "xaxis", "run", AxisKind.Category);
        ChartStyle.SpanFlatAxis(ChartStyle.SetAxis(layout, "yaxis", name), runs.Select(r => r.Metrics[name]).ToArray(), AxisKind.Number);
        ChartStyle.SetLegend(layout, "trainer");
        // Plotly hides the legend of a single trace; the trainer's name is worth showing for one run too.
        layout.SetProperty("showlegend", true);
        return ChartStyle.Chart(traces, layout);
    }

    /// <summary>The best value so far, as a dotted step line behind the runs' markers.</summary>
    private static Trace2D BestSoFar(IReadOnlyList<Run> runs, string name, bool lowerIsBetter)
    {
        var best = new Trace2D("scatter");
        best.SetProperty("x", runs.Select(r => r.Name).ToArray());
        best.SetProperty("y", BestSoFar(runs.Select(r => r.Metrics[name]), lowerIsBetter));
        best.SetProperty("mode", "lines");
        best.SetProperty("line", new Dictionary<string, object> { ["color"] = ChartStyle.MutedColor, ["shape"] = "hv", ["dash"] = "dot", ["width"] = 1.5 });
        best.SetProperty("name", lowerIsBetter ? "best so far (lowest)" : "best so far (highest)");
        best.SetProperty("hoverinfo", "skip");
        return best;
    }

    /// <summary>Losses, errors and distances go down as models improve; everything else ML.NET reports goes up.</summary>
    internal static bool LowerIsBetter(string metric) =>
        metric is not "LogLossReduction"
        && (metric.Contains("Loss", StringComparison.Ordinal) || metric.Contains("Error", StringComparison.Ordinal)
            || metric.Contains("Distance", StringComparison.Ordinal) || metric.Contains("DaviesBouldin", StringComparison.Ordinal));

    private static double[] BestSoFar(IEnumerable<double> values, bool lowerIsBetter)
    {
        var result = new List<double>();
        foreach (var value in values)
        {
            result.Add(result.Count == 0 ? value : lowerIsBetter ? Math.Min(result[^1], value) : Math.Max(result[^1], value));
        }

        return result.ToArray();
    }

    private static double FoldDeviation(Run run, string metric)
    {
        var values = run.FoldMetrics.Where(f => f.ContainsKey(metric)).Select(f => f[metric]).ToList();
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    private static string Hover(Run run)
    {
        var settings = run.Hyperparameters.Count == 0 ? "default settings" : string.Join(", ", run.Hyperparameters.Select(h => $"{h.Key}={h.Value}"));
        var stale = run.Stale is null ? "" : "<br>stale: data since reloaded";
        return Escape($"{run.Trainer} · {run.DataName ?? run.DataSource ?? "data"} → {run.Label} · seed {run.Seed}") + "<br>" + Escape(settings) + stale;
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text).Replace("%{", "%&#123;", StringComparison.Ordinal);
}
