using System.Globalization;
using System.Text;
using Notebooks.ML.Drift;
using static Notebooks.ML.Display.Html;

namespace Notebooks.ML.Display;

/// <summary>The monitoring card.</summary>
public static partial class Cards
{
    /// <summary>Most windows a monitoring table shows (the newest); the chart shows them all.</summary>
    private const int MonitorRows = 48;

    /// <summary>
    /// A served model's life: totals and the latest drift verdict first, then one row per window (newest first):
    /// requests, rows, errors, latency p50/p99, predictions, drifted columns. Latencies are marked as measurements
    /// that change from run to run.
    /// </summary>
    public static string Monitor(MonitorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        var tested = report.Windows.LastOrDefault(w => w.DatasetDrift is not null);
        var verdict = tested is null ? ""
            : tested.DatasetDrift == true
                ? $" · <span style=\"color:#b91c1c\">latest window's inputs drifted ({tested.DriftedColumns.Count} columns)</span>"
                : " · <span style=\"color:#15803d\">latest window's inputs: no drift</span>";
        html.Append($"<h3>Served <code>{E(report.Server)}</code> · {report.Requests:N0} requests, {report.Rows:N0} rows, {report.Errors:N0} errors{verdict}</h3>");
        var versions = string.Join(", ", report.Versions.Select(v => $"v{v.Version} ({v.Trainer}{(v.RunId is { } run ? $", run #{run}" : "")})"));
        html.Append($"<p class=\"nbml-sub\">{report.Windows.Count} windows of {E(ModelMonitor.Describe(report.Window))} · model versions {E(versions)} · "
            + (report.ReferenceName is null ? "inputs not compared" : $"inputs against {E(report.ReferenceName)}, dataset drift at {report.DriftShareThreshold.ToString("0.#%", CultureInfo.InvariantCulture)} of columns") + "</p>");

        html.Append("<table><thead><tr>");
        foreach (var header in new[] { "window (UTC)", "requests", "rows", "errors", "latency p50", "latency p99", "predictions", "drifted columns" })
        {
            html.Append("<th>").Append(E(header)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var w in report.Windows.Reverse().Take(MonitorRows))
        {
            var drifted = w.DriftShare is null ? "<td class=\"nbml-missing\">not tested</td>"
                : $"<td style=\"white-space:normal;min-width:220px{(w.DatasetDrift == true ? ";color:#b91c1c;font-weight:600" : "")}\">{E(w.DriftShare.Value.ToString("0%", CultureInfo.InvariantCulture))}{(w.DriftedColumns.Count > 0 ? $": {E(string.Join(", ", w.DriftedColumns))}" : "")}</td>";
            html.Append($"<tr><td>{E(w.Start.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))}</td>")
                .Append($"<td class=\"num\">{w.Requests:N0}</td><td class=\"num\">{w.Rows:N0}</td><td class=\"num\">{w.Errors:N0}</td>")
                .Append($"<td class=\"num\" data-nbml-volatile>{Latency(w.LatencyP50)}</td><td class=\"num\" data-nbml-volatile>{Latency(w.LatencyP99)}</td>")
                .Append($"<td>{E(PredictionSummary(w))}</td>{drifted}</tr>");
        }

        html.Append("</tbody></table>");
        foreach (var note in report.Notes)
        {
            html.Append($"<div class=\"nbml-warn\">{E(note)}</div>");
        }

        return Card(html.ToString());
    }

    private static string Latency(double? ms) => ms is { } value ? E(value.ToString("0.#", CultureInfo.InvariantCulture)) + " ms" : "";

    private static string PredictionSummary(MonitorWindow window) =>
        window.PredictionQuantiles is { } q
            ? $"median {Number(q.P50)} (p10 {Number(q.P10)}, p90 {Number(q.P90)})"
            : string.Join(", ", window.PredictionShares.Where(s => s.Value > 0).Select(s => $"{s.Key} {s.Value.ToString("0%", CultureInfo.InvariantCulture)}"));
}
