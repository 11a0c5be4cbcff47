using System.Globalization;
using System.Text;
using Notebooks.ML.Drift;
using static Notebooks.ML.Display.Html;

namespace Notebooks.ML.Display;

/// <summary>The drift card.</summary>
public static partial class Cards
{
    /// <summary>
    /// A drift report, verdict first (dataset drift yes or no, n of m columns), then prediction drift and metrics for
    /// a model, the table of columns sorted by drift, notes, and how the tests were chosen.
    /// </summary>
    public static string Drift(DriftReport report, string? variableName = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        var verdict = report.DatasetDrift
            ? "<span style=\"color:#b91c1c\">Dataset drift: yes</span>"
            : "<span style=\"color:#15803d\">Dataset drift: no</span>";
        var into = variableName is null ? "" : $" → <code>{E(variableName)}</code>";
        html.Append($"<h3>{verdict} · {report.DriftedColumns} of {report.Columns.Count} columns drifted{into}</h3>");
        html.Append($"<p class=\"nbml-sub\">{Percent(report.DriftShare)} of columns drifted; the dataset drifts at {Percent(report.DriftShareThreshold)} or more · "
            + $"reference {E(report.ReferenceName)} ({report.ReferenceRows:N0} rows) · current {E(report.CurrentName)} ({report.CurrentRows:N0} rows) · "
            + (report.Method == "auto" ? "tests: Evidently's DataDriftPreset choice per column" : $"test: {E(report.Method)} where it applies") + "</p>");

        if (report.Predictions.Count > 0)
        {
            var moved = report.Predictions.Where(p => p.Drifted).Select(p => p.Name).ToList();
            html.Append($"<p><span class=\"nbml-key\">Predictions:</span> {(moved.Count == 0 ? "no drift" : $"<span style=\"color:#b91c1c\">{E(string.Join(", ", moved))} drifted</span>")} "
                + "(the model's outputs on the current data against its outputs on its reference sample)</p>");
            html.Append(ColumnTable(report.Predictions));
        }

        if (report.CurrentMetrics is { } metrics)
        {
            html.Append("<p><span class=\"nbml-key\">Model metrics</span> on the current data, beside those at training:</p>");
            html.Append(Table(["metric", "current", "at training", "change"], metrics.Select(m =>
            {
                double? training = report.TrainingMetrics is { } t && t.TryGetValue(m.Key, out var v) ? v : null;
                return new object?[] { m.Key, m.Value, training, training is { } before ? m.Value - before : null };
            })));
        }

        html.Append(report.Predictions.Count > 0 || report.CurrentMetrics is not null ? "<p><span class=\"nbml-key\">Inputs</span></p>" : "");
        html.Append(ColumnTable(report.Columns));
        foreach (var note in report.Notes)
        {
            html.Append($"<div class=\"nbml-warn\">{E(note)}</div>");
        }

        html.Append($"<p class=\"nbml-sub\">{E(report.Rule)} Missing values are left out of each test and counted. "
            + $"The dataset drifts when at least {Percent(report.DriftShareThreshold)} of its columns drift.</p>");
        return Card(html.ToString());
    }

    private static string ColumnTable(IReadOnlyList<ColumnDrift> columns)
    {
        var rows = new StringBuilder("<table><thead><tr>");
        foreach (var header in new[] { "column", "type", "test", "statistic", "p-value", "threshold", "drifted", "PSI", "missing (ref / cur)" })
        {
            rows.Append("<th>").Append(E(header)).Append("</th>");
        }

        rows.Append("</tr></thead><tbody>");
        foreach (var c in columns)
        {
            var style = c.Drifted ? " style=\"background:#fef2f2\"" : "";
            rows.Append($"<tr{style}><td>{E(c.Name)}</td><td>{(c.Kind == DriftColumnKind.Numeric ? "numeric" : "categorical")}</td>");
            rows.Append($"<td title=\"{E(c.MethodTitle)}\">{E(c.Method)}</td>");
            rows.Append($"<td class=\"num\">{E(Number(c.Statistic))}</td>");
            rows.Append(c.PValue is { } p ? $"<td class=\"num\">{E(Number(p))}</td>" : "<td class=\"nbml-missing\">distance</td>");
            rows.Append($"<td class=\"num\">{(c.PValue is null ? "≥ " : c.Method == "ks" ? "≤ " : "< ")}{E(Number(c.Threshold))}</td>");
            rows.Append(c.Drifted ? "<td style=\"color:#b91c1c;font-weight:600\">yes</td>" : "<td>no</td>");
            rows.Append($"<td class=\"num\">{E(Number(c.Psi))} <span class=\"nbml-missing\">{E(c.PsiBand)}</span></td>");
            rows.Append($"<td class=\"num\">{c.ReferenceMissing.ToString("N0", CultureInfo.InvariantCulture)} / {c.CurrentMissing.ToString("N0", CultureInfo.InvariantCulture)}</td></tr>");
        }

        return rows.Append("</tbody></table>").ToString();
    }

    private static string Percent(double share) => share.ToString("0.#%", CultureInfo.InvariantCulture);
}
