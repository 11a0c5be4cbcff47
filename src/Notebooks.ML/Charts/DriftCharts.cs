using System.Globalization;
using Notebooks.ML.Drift;
using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>The charts of a drift report: each column's score against its threshold, and reference-against-current distributions.</summary>
public static class DriftCharts
{
    /// <summary>The colour of drifted columns and of the current data.</summary>
    private const string DriftColor = "#E45756";

    /// <summary>p-values below this are drawn at it (a log axis has no 0).</summary>
    private const double SmallestP = 1e-16;

    /// <summary>Columns whose distributions are drawn: every drifted one first, then the most moved of the rest, up to this many.</summary>
    public const int DistributionCharts = 8;

    /// <summary>
    /// Each column's drift score as a bar with its threshold as a tick: p-values on a log axis (drift below the tick),
    /// or distances (drift at or above it). When a report mixes both (columns with few reference values beside
    /// columns with many), the bars are score ÷ threshold on one scale, drift at 1.
    /// </summary>
    public static GenericChart Scores(DriftReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Scores(report.Columns, $"Drift by column: {report.DriftedColumns} of {report.Columns.Count} drifted");
    }

    /// <summary>The scores chart of any list of column results (a report's <see cref="DriftReport.Predictions"/>, say).</summary>
    public static GenericChart Scores(IReadOnlyList<ColumnDrift> columns, string title)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var names = columns.Select(c => c.Name).ToArray();
        var colors = columns.Select(c => c.Drifted ? DriftColor : ChartStyle.ColorAt(0)).ToArray();
        var hover = columns.Select(c => $"{c.Name}: {c.Method} {(c.PValue is { } p ? $"p = {Number(p)}" : Number(c.Statistic))}, threshold {Number(c.Threshold)}{(c.Drifted ? ", drifted" : "")}").ToArray();
        double[] values, thresholds;
        string axis, note;
        if (columns.All(c => c.PValue is not null))
        {
            // −log₁₀ p, so that for every test a taller bar means more drift.
            values = columns.Select(c => -Math.Log10(Math.Max(c.PValue!.Value, SmallestP))).ToArray();
            thresholds = columns.Select(c => -Math.Log10(c.Threshold)).ToArray();
            (axis, note) = ("−log₁₀ p-value", "hypothesis tests: a bar above its tick (p below the threshold) is drift; p-values under 1e-16 are drawn at 16");
        }
        else if (columns.All(c => c.PValue is null))
        {
            values = columns.Select(c => c.Statistic).ToArray();
            thresholds = columns.Select(c => c.Threshold).ToArray();
            (axis, note) = ("distance", "distances: a bar at or above its tick is drift");
        }
        else
        {
            values = columns.Select(c => double.IsPositiveInfinity(c.Severity) ? 1e3 : c.Severity).ToArray();
            thresholds = columns.Select(_ => 1.0).ToArray();
            (axis, note) = ("score ÷ threshold (drift ≥ 1)", "p-values as threshold ÷ p, distances as distance ÷ threshold: a bar at or above 1 is drift");
        }

        var bars = new Trace2D("bar");
        bars.SetProperty("x", names);
        bars.SetProperty("y", values);
        bars.SetProperty("name", "score");
        bars.SetProperty("marker", new Dictionary<string, object> { ["color"] = colors });
        bars.SetProperty("hovertext", hover);
        bars.SetProperty("hoverinfo", "text");
        var ticks = new Trace2D("scatter");
        ticks.SetProperty("x", names);
        ticks.SetProperty("y", thresholds);
        ticks.SetProperty("mode", "markers");
        ticks.SetProperty("name", "threshold");
        ticks.SetProperty("marker", new Dictionary<string, object> { ["symbol"] = "line-ew", ["size"] = 28, ["line"] = new Dictionary<string, object> { ["width"] = 3, ["color"] = "#111827" } });
        ticks.SetProperty("hovertext", columns.Select(c => $"threshold {Number(c.Threshold)}").ToArray());
        ticks.SetProperty("hoverinfo", "text");
        var layout = ChartStyle.Layout(title, null, axis, note);
        ChartStyle.SetAxis(layout, "xaxis", null, AxisKind.Category);
        ChartStyle.SetAxis(layout, "yaxis", axis);
        layout.SetProperty("showlegend", false);
        return ChartStyle.Chart([bars, ticks], layout);
    }

    /// <summary>
    /// The columns whose distributions a card draws: a model's prediction columns, then every drifted column and
    /// the most moved others, up to <see cref="DistributionCharts"/> input columns.
    /// </summary>
    public static IReadOnlyList<ColumnDrift> Featured(DriftReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return [.. report.Predictions.Where(c => c.Picture is not null), .. report.Columns.Where(c => c.Picture is not null).Take(DistributionCharts)];
    }

    /// <summary>
    /// One column on both sides, as shares so that sides of different sizes compare: overlaid histograms on
    /// Evidently's bins for numbers with many values, side-by-side bars for categories and few values.
    /// </summary>
    public static GenericChart Distribution(ColumnDrift column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var picture = column.Picture ?? throw new ArgumentException($"The column '{column.Name}' carries no distributions.", nameof(column));
        var traces = new List<Trace>();
        foreach (var (name, shares, color) in new[] { ("reference", picture.Reference, ChartStyle.ColorAt(0)), ("current", picture.Current, DriftColor) })
        {
            var bar = new Trace2D("bar");
            bar.SetProperty("x", picture.Labels.ToArray());
            bar.SetProperty("y", shares);
            bar.SetProperty("name", name);
            bar.SetProperty("marker", new Dictionary<string, object> { ["color"] = color, ["opacity"] = picture.Numeric ? 0.55 : 0.85 });
            bar.SetProperty("hovertemplate", $"{name}: %{{x}}, %{{y:.1%}}<extra></extra>");
            if (picture.Numeric)
            {
                bar.SetProperty("x", picture.Labels.Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray());
                bar.SetProperty("width", picture.Width);
            }

            traces.Add(bar);
        }

        var verdict = column.Drifted ? "drifted" : "no drift";
        var score = column.PValue is { } p ? $"p = {Number(p)}" : $"{column.Method} {Number(column.Statistic)}";
        var layout = ChartStyle.Layout($"{column.Name}: {verdict} ({score})", column.Name, "share of rows");
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = $"{column.Name}: {verdict} ({score})", ["x"] = 0.02, ["font"] = new Dictionary<string, object> { ["size"] = 13, ["color"] = column.Drifted ? DriftColor : "#2a2f36" } });
        layout.SetProperty("barmode", picture.Numeric ? "overlay" : "group");
        layout.SetProperty("height", 320);
        layout.SetProperty("width", 460);
        layout.SetProperty("margin", new Dictionary<string, object> { ["l"] = 50, ["r"] = 10, ["t"] = 36, ["b"] = 70 });
        layout.SetProperty("legend", new Dictionary<string, object> { ["orientation"] = "h", ["y"] = -0.32, ["x"] = 1, ["xanchor"] = "right" });
        if (!picture.Numeric)
        {
            ChartStyle.SetAxis(layout, "xaxis", column.Name, AxisKind.Category);
        }

        ChartStyle.SetAxis(layout, "yaxis", "share of rows")["tickformat"] = ".0%";
        var chart = ChartStyle.Chart(traces, layout);
        // Small multiples: no toolbar over the title.
        var config = new Config();
        config.SetProperty("responsive", true);
        config.SetProperty("displaylogo", false);
        config.SetProperty("displayModeBar", false);
        return GenericChart.setConfig(config, chart);
    }

    private static string Number(double value) =>
        value == 0 ? "0" : Math.Abs(value) < 1e-3 || Math.Abs(value) >= 1e6 ? value.ToString("0.##e+0", CultureInfo.InvariantCulture) : value.ToString("0.####", CultureInfo.InvariantCulture);
}
