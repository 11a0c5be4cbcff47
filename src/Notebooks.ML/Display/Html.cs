using System.Globalization;
using System.Net;
using System.Text;

namespace Notebooks.ML.Display;

/// <summary>Small, escaped HTML building blocks shared by every card, so they look like one family.</summary>
internal static class Html
{
    public const string Style = """
        <style>
        .nbml{font-family:Inter,"Segoe UI",Helvetica,Arial,sans-serif;font-size:13px;color:#1f2937;line-height:1.45;max-width:1100px}
        .nbml h3{font-size:15px;margin:0 0 6px 0;font-weight:600}
        .nbml .nbml-sub{color:#6b7280;margin:0 0 10px 0}
        .nbml table{border-collapse:collapse;margin:6px 0 12px 0;font-variant-numeric:tabular-nums}
        .nbml th,.nbml td{border-bottom:1px solid #e5e7eb;padding:3px 10px;text-align:left;white-space:nowrap}
        .nbml th{background:#f9fafb;font-weight:600}
        .nbml td.num{text-align:right}
        .nbml .nbml-missing{color:#9ca3af;font-style:italic}
        .nbml .nbml-key{font-weight:600;color:#111827}
        .nbml .nbml-pill{display:inline-block;background:#eef2ff;color:#3730a3;border-radius:10px;padding:0 8px;margin-right:4px;font-size:12px}
        .nbml .nbml-warn{color:#92400e;background:#fffbeb;border-left:3px solid #f59e0b;padding:4px 8px;margin:6px 0}
        .nbml details{margin:4px 0}
        .nbml summary{cursor:pointer;color:#374151;font-weight:600}
        .nbml code{font-family:"JetBrains Mono",Consolas,monospace;font-size:12px;background:#f3f4f6;padding:0 3px;border-radius:3px}
        .nbml .nbml-bar{height:8px;background:#e5e7eb;border-radius:4px;overflow:hidden;width:320px}
        .nbml .nbml-bar>div{height:8px;background:#4C78A8}
        </style>
        """;

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Number(double value) =>
        double.IsNaN(value) ? "NaN"
        : Math.Abs(value) >= 1e6 || (Math.Abs(value) < 1e-3 && value != 0) ? value.ToString("G4", CultureInfo.InvariantCulture)
        : value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan duration) =>
        duration.TotalSeconds < 1 ? $"{duration.TotalMilliseconds:F0} ms"
        : duration.TotalMinutes < 1 ? $"{duration.TotalSeconds:F1} s"
        : $"{(int)duration.TotalMinutes} min {duration.Seconds} s";

    public static string Cell(object? value) => value switch
    {
        null => "<td class=\"nbml-missing\">missing</td>",
        double d => $"<td class=\"num\">{E(Number(d))}</td>",
        float f => $"<td class=\"num\">{E(Number(f))}</td>",
        int or long => $"<td class=\"num\">{E(Convert.ToString(value, CultureInfo.InvariantCulture))}</td>",
        DateTime t => $"<td>{E(t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))}</td>",
        _ => $"<td>{E(Convert.ToString(value, CultureInfo.InvariantCulture))}</td>",
    };

    public static string Table(IEnumerable<string> headers, IEnumerable<IEnumerable<object?>> rows)
    {
        var html = new StringBuilder("<table><thead><tr>");
        foreach (var header in headers)
        {
            html.Append("<th>").Append(E(header)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var value in row)
            {
                html.Append(Cell(value));
            }

            html.Append("</tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    public static string Card(string body) => $"<div class=\"nbml\">{Style}{body}</div>";
}
