using System.Globalization;
using Notebooks.ML.Drift;
using Notebooks.ML.Training;
using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>The chart of <c>#!monitor</c>: a served model's windows in four panels over one time axis.</summary>
public static class MonitorCharts
{
    private const string ErrorColor = "#E45756";

    /// <summary>
    /// Four panels sharing the time axis: requests and errors (bars) with rows predicted (line, right axis); latency
    /// p50 and p99; the prediction distribution (class shares stacked, or the 10th–90th percentile band and median of a
    /// predicted value); the share of drifted input columns, red where the window's inputs drifted, against the share
    /// at which they do.
    /// </summary>
    public static GenericChart Timeline(MonitorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var x = report.Windows.Select(w => w.Start.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).ToArray();
        var traces = new List<Trace>
        {
            Bars(x, report.Windows.Select(w => (double)w.Requests).ToArray(), "requests", ChartStyle.ColorAt(0), "y"),
            Bars(x, report.Windows.Select(w => (double)w.Errors).ToArray(), "errors", ErrorColor, "y"),
            Line(x, report.Windows.Select(w => (double?)w.Rows).ToArray(), "rows predicted", ChartStyle.ColorAt(2), "y5", "dot"),
            Line(x, report.Windows.Select(w => w.LatencyP50).ToArray(), "latency p50", ChartStyle.ColorAt(4), "y2"),
            Line(x, report.Windows.Select(w => w.LatencyP99).ToArray(), "latency p99", ChartStyle.ColorAt(1), "y2"),
        };

        if (report.Task == MLTask.Regression)
        {
            var low = report.Windows.Select(w => w.PredictionQuantiles?.P10).ToArray();
            var high = report.Windows.Select(w => w.PredictionQuantiles?.P90).ToArray();
            traces.Add(Line(x, low, "prediction p10", ChartStyle.MutedColor, "y3"));
            var band = Line(x, high, "prediction p90", ChartStyle.MutedColor, "y3");
            band.SetProperty("fill", "tonexty");
            band.SetProperty("fillcolor", "rgba(76,120,168,0.15)");
            traces.Add(band);
            traces.Add(Line(x, report.Windows.Select(w => w.PredictionQuantiles?.P50).ToArray(), "prediction median", ChartStyle.ColorAt(0), "y3"));
        }
        else
        {
            var classes = report.Windows.SelectMany(w => w.PredictionShares.Keys).Distinct().ToList();
            for (var k = 0; k < classes.Count; k++)
            {
                var shares = report.Windows.Select(w => w.Rows == 0 ? (double?)null : w.PredictionShares.GetValueOrDefault(classes[k])).ToArray();
                var area = Line(x, shares, $"predicted {classes[k]}", ChartStyle.ColorAt(k + 5), "y3");
                area.SetProperty("stackgroup", "predictions");
                traces.Add(area);
            }
        }

        var drift = Line(x, report.Windows.Select(w => w.DriftShare).ToArray(), "drifted columns (share)", ChartStyle.ColorAt(0), "y4");
        drift.SetProperty("mode", "lines+markers");
        drift.SetProperty("marker", new Dictionary<string, object>
        {
            ["size"] = 9,
            ["color"] = report.Windows.Select(w => w.DatasetDrift == true ? ErrorColor : ChartStyle.ColorAt(0)).ToArray(),
        });
        drift.SetProperty("text", report.Windows.Select(w => w.DriftedColumns.Count == 0 ? "" : string.Join(", ", w.DriftedColumns)).ToArray());
        drift.SetProperty("hovertemplate", "%{x}: %{y:.0%} of columns drifted<br>%{text}<extra></extra>");
        traces.Add(drift);
        traces.Add(Line(x, x.Select(_ => (double?)report.DriftShareThreshold).ToArray(), "dataset drift at", ChartStyle.MutedColor, "y4", "dash"));

        var title = $"{report.Server}: {report.Requests:N0} requests, {report.Rows:N0} rows, {report.Errors:N0} errors, per {ModelMonitor.Describe(report.Window)}";
        var layout = ChartStyle.Layout(title, null, null);
        layout.SetProperty("height", 820);
        layout.SetProperty("barmode", "group");
        layout.SetProperty("hovermode", "x unified");
        layout.SetProperty("legend", new Dictionary<string, object> { ["orientation"] = "h", ["y"] = -0.08, ["x"] = 0, ["traceorder"] = "normal" });
        layout.SetProperty("margin", new Dictionary<string, object> { ["l"] = 60, ["r"] = 60, ["t"] = 50, ["b"] = 90 });
        ChartStyle.SetAxis(layout, "xaxis", "window start (UTC)", AxisKind.Date)["anchor"] = "y4";
        Panel(layout, "yaxis", "requests", [0.79, 1.0]);
        Panel(layout, "yaxis2", "latency (ms)", [0.53, 0.74]);
        var predictions = Panel(layout, "yaxis3", report.Task == MLTask.Regression ? "prediction" : "share of predictions", [0.27, 0.48]);
        Panel(layout, "yaxis4", "drifted columns", [0.0, 0.22])["range"] = new[] { 0.0, 1.05 };
        var rows = ChartStyle.SetAxis(layout, "yaxis5", "rows");
        rows["overlaying"] = "y";
        rows["side"] = "right";
        rows["showgrid"] = false;
        rows["rangemode"] = "tozero";
        if (report.Task != MLTask.Regression)
        {
            predictions["range"] = new[] { 0.0, 1.0 };
            predictions["tickformat"] = ".0%";
        }

        return ChartStyle.Chart(traces, layout);
    }

    private static Dictionary<string, object> Panel(Layout layout, string axis, string title, double[] domain)
    {
        var settings = ChartStyle.SetAxis(layout, axis, title);
        settings["domain"] = domain;
        settings["anchor"] = "x";
        return settings;
    }

    private static Trace2D Bars(string[] x, double[] y, string name, string color, string axis)
    {
        var bar = new Trace2D("bar");
        bar.SetProperty("x", x);
        bar.SetProperty("y", y);
        bar.SetProperty("name", name);
        bar.SetProperty("yaxis", axis);
        bar.SetProperty("marker", new Dictionary<string, object> { ["color"] = color });
        return bar;
    }

    private static Trace2D Line(string[] x, double?[] y, string name, string color, string axis, string? dash = null)
    {
        var line = new Trace2D("scatter");
        line.SetProperty("x", x);
        line.SetProperty("y", y);
        line.SetProperty("name", name);
        line.SetProperty("yaxis", axis);
        line.SetProperty("mode", "lines");
        line.SetProperty("connectgaps", false);
        var style = new Dictionary<string, object> { ["color"] = color, ["width"] = 2 };
        if (dash is not null)
        {
            style["dash"] = dash;
        }

        line.SetProperty("line", style);
        return line;
    }
}
