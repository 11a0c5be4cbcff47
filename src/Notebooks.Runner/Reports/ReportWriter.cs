using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Markdig;
using Microsoft.DotNet.Interactive.Documents;

namespace Notebooks.Runner.Reports;

/// <summary>
/// Writes an executed notebook as one self-contained HTML file: markdown rendered, code, every output, charts drawn
/// with plotly.js embedded once, and a provenance footer. It opens offline and from e-mail: nothing is fetched.
/// </summary>
internal static partial class ReportWriter
{
    private static readonly MarkdownPipeline _markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <summary>How a code cell ended: ran without error, failed, or was not run (after a failure, without --allow-errors).</summary>
    private enum Outcome
    {
        Ok,
        Failed,
        NotRun,
    }

    /// <summary>A code cell in the header and the footer: its number as the editor shows it (see <see cref="CellNames"/>).</summary>
    private sealed record CellLine(string Label, string Anchor, string FirstLine, double Seconds, Outcome Outcome);

    public static string Render(InteractiveDocument document, RunInfo run)
    {
        var body = new StringBuilder();
        var provenance = new List<JsonElement>();
        var charts = 0;
        var numbers = CellNames.Numbers(document);
        var durations = new List<CellLine>();
        for (var i = 0; i < document.Elements.Count; i++)
        {
            var cell = document.Elements[i];
            if (NotebookDocument.IsMarkdown(cell))
            {
                body.Append("<section class=\"cell markdown\">").Append(Markdown.ToHtml(cell.Contents, _markdown)).Append("</section>\n");
                continue;
            }

            if (string.IsNullOrWhiteSpace(cell.Contents))
            {
                continue;
            }

            var (seconds, succeeded, ran) = Timing(cell);
            var outcome = ran == false ? Outcome.NotRun
                : succeeded ?? !cell.Outputs.OfType<ErrorElement>().Any() ? Outcome.Ok
                : Outcome.Failed;
            var line = numbers[i] is { } number
                ? new CellLine(number.ToString(CultureInfo.InvariantCulture), $"cell-{number}", FirstLine(cell.Contents), seconds ?? double.NaN, outcome)
                : new CellLine("injected", "cell-parameters", FirstLine(cell.Contents), seconds ?? double.NaN, outcome);
            durations.Add(line);
            var badge = seconds is { } s ? $"<span class=\"time\">{s.ToString("0.00", CultureInfo.InvariantCulture)} s</span>" : "";
            var tags = Tags(cell);
            var tagBadges = string.Concat(tags.Select(t => $"<span class=\"tag\">{E(t)}</span>"));
            var (sectionClass, status) = outcome switch
            {
                Outcome.Failed => (" failed", "<span class=\"status failed\">failed</span>"),
                Outcome.NotRun => (" not-run", "<span class=\"status not-run\">not run</span>"),
                _ => ("", ""),
            };
            body.Append($"<section class=\"cell code{sectionClass}\" id=\"{line.Anchor}\">");
            body.Append($"<div class=\"cell-head\"><span class=\"index\">[{line.Label}]</span>{tagBadges}{status}{badge}</div>");
            body.Append($"<pre class=\"source\"><code>{E(cell.Contents)}</code></pre>");
            foreach (var output in cell.Outputs)
            {
                body.Append(Output(output, ref charts, provenance));
            }

            body.Append("</section>\n");
        }

        var title = Title(document, run.Notebook);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<meta name=\"generator\" content=\"Notebooks.ML runner\">\n");
        html.Append($"<title>{E(title)}</title>\n<style>{Css}</style>\n");
        if (charts > 0)
        {
            html.Append($"<script>/* plotly.js {E(PlotlyJs.Version)}, embedded so that the report opens offline */\n{PlotlyJs.Script}\n</script>\n");
        }

        html.Append("</head>\n<body>\n<main>\n");
        // A notebook that opens with its own "# Title" shows it there; the header then only adds the run line.
        var titled = document.Elements.FirstOrDefault(e => !string.IsNullOrWhiteSpace(e.Contents)) is { } first &&
                     NotebookDocument.IsMarkdown(first) && first.Contents.TrimStart().StartsWith("# ", StringComparison.Ordinal);
        html.Append(Header(titled ? null : title, run, durations));
        html.Append(body);
        html.Append(Footer(run, durations, provenance));
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Output(InteractiveDocumentOutputElement output, ref int charts, List<JsonElement> provenance)
    {
        switch (output)
        {
            case TextElement text:
                return $"<pre class=\"output {(text.Name == "stderr" ? "stderr" : "stdout")}\">{E(text.Text)}</pre>";
            case ErrorElement error:
                // The runner puts the message's lines in the traceback too (for Jupyter): shown once.
                var trace = error.StackTrace is { Length: > 0 } && string.Join("\n", error.StackTrace) != error.ErrorValue ? "\n" + string.Join("\n", error.StackTrace) : "";
                var label = error.ErrorName is { Length: > 0 } name && name != "Error" ? $"Error ({name})" : "Error";
                return $"<pre class=\"output error\" role=\"alert\"><span class=\"error-label\">{E(label)}</span> {E(error.ErrorValue)}{E(trace)}</pre>";
            case DisplayElement display:
                return Bundle(display.Data, ref charts, provenance);
            case ReturnValueElement value:
                return Bundle(value.Data, ref charts, provenance);
            default:
                return "";
        }
    }

    private static string Bundle(IDictionary<string, object> data, ref int charts, List<JsonElement> provenance)
    {
        if (Text(data, "text/html") is { } html)
        {
            var count = charts;
            if (ChartOutput.IsChart(html) && ChartOutput.Rewrite(html, () => $"chart-{++count}") is { } chart)
            {
                charts = count;
                return $"<div class=\"output chart-output\">{chart}</div>";
            }

            foreach (Match match in ProvenanceAttribute().Matches(html))
            {
                try
                {
                    provenance.Add(JsonDocument.Parse(WebUtility.HtmlDecode(match.Groups[1].Value)).RootElement.Clone());
                }
                catch (JsonException)
                {
                    // A card from another version; the footer simply lacks it.
                }
            }

            return $"<div class=\"output html\">{StripExternalScripts(html)}</div>";
        }

        foreach (var image in new[] { "image/png", "image/jpeg", "image/gif" })
        {
            if (Text(data, image) is { } base64)
            {
                return $"<div class=\"output image\"><img alt=\"output\" src=\"data:{image};base64,{base64.Trim()}\"></div>";
            }
        }

        if (Text(data, "image/svg+xml") is { } svg)
        {
            return $"<div class=\"output image\">{svg}</div>";
        }

        if (Text(data, "text/markdown") is { } markdown)
        {
            return $"<div class=\"output markdown\">{Markdown.ToHtml(markdown, _markdown)}</div>";
        }

        return Text(data, "text/plain") is { } plain ? $"<pre class=\"output stdout\">{E(plain)}</pre>" : "";
    }

    /// <summary>Outputs may reference scripts on the web (the kernel's own formatters do); a report never fetches.</summary>
    private static string StripExternalScripts(string html) => ExternalScript().Replace(html, "");

    private static string? Text(IDictionary<string, object> data, string mime) => data.TryGetValue(mime, out var value)
        ? value switch
        {
            string s => s,
            IEnumerable<object> lines => string.Concat(lines),
            JsonElement { ValueKind: JsonValueKind.Array } array => string.Concat(array.EnumerateArray().Select(l => l.GetString())),
            JsonElement { ValueKind: JsonValueKind.String } text => text.GetString(),
            _ => value.ToString(),
        }
        : null;

    /// <summary>What the runner recorded on a cell (<see cref="NotebookRunner.MetadataKey"/>): duration, success, and whether it ran.</summary>
    private static (double? Seconds, bool? Succeeded, bool? Ran) Timing(InteractiveDocumentElement cell)
    {
        if (cell.Metadata?.TryGetValue(NotebookRunner.MetadataKey, out var value) != true)
        {
            return (null, null, null);
        }

        return value switch
        {
            IDictionary<string, object> d => (d.TryGetValue("duration_seconds", out var s) ? Convert.ToDouble(s, CultureInfo.InvariantCulture) : null,
                                               d.TryGetValue("succeeded", out var ok) ? Convert.ToBoolean(ok, CultureInfo.InvariantCulture) : null,
                                               d.TryGetValue("ran", out var ran) ? Convert.ToBoolean(ran, CultureInfo.InvariantCulture) : null),
            JsonElement e when e.ValueKind == JsonValueKind.Object => (e.TryGetProperty("duration_seconds", out var s) ? s.GetDouble() : null,
                                                                       e.TryGetProperty("succeeded", out var ok) ? ok.GetBoolean() : null,
                                                                       e.TryGetProperty("ran", out var ran) ? ran.GetBoolean() : null),
            _ => (null, null, null),
        };
    }

    internal static IReadOnlyList<string> Tags(InteractiveDocumentElement cell)
    {
        if (cell.Metadata?.TryGetValue("tags", out var tags) != true)
        {
            return [];
        }

        return tags switch
        {
            IEnumerable<object> list => list.Select(t => t?.ToString() ?? "").ToArray(),
            JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(t => t.GetString() ?? "").ToArray(),
            _ => [],
        };
    }

    private static string Title(InteractiveDocument document, string notebook)
    {
        var heading = document.Elements.Where(NotebookDocument.IsMarkdown)
            .SelectMany(c => c.Contents.Split('\n'))
            .FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal));
        return heading?[2..].Trim() ?? Path.GetFileNameWithoutExtension(notebook);
    }

    private static string Header(string? title, RunInfo run, List<CellLine> cells)
    {
        var failed = cells.Where(c => c.Outcome == Outcome.Failed).ToList();
        var notRun = cells.Count(c => c.Outcome == Outcome.NotRun);
        var links = string.Join(", ", failed.Select(c => $"<a href=\"#{c.Anchor}\">cell {E(c.Label)}</a>"));
        var status = failed.Count == 0 ? "<span class=\"ok\">all cells succeeded</span>"
            : $"<span class=\"bad\">{failed.Count} cell{(failed.Count == 1 ? "" : "s")} failed</span> ({links})"
              + (notRun > 0 ? $" · {notRun} not run" : "");
        var when = run.Started is { } started ? $" · run {started.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}" : "";
        var took = run.Started is { } s2 && run.Finished is { } f ? $" in {(f - s2).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" : "";
        var parameters = run.Parameters.Count == 0 ? "" : " · parameters " + string.Join(", ", run.Parameters.Select(p => $"<code>{E(p.Key)}={E(p.Value)}</code>"));
        var heading = title is null ? "" : $"<h1 class=\"report-title\">{E(title)}</h1>";
        return $"<header>{heading}<p class=\"meta\">{E(Path.GetFileName(run.Notebook))}{when}{took} · {status}{parameters}</p></header>\n";
    }

    private static string Footer(RunInfo run, List<CellLine> cells, List<JsonElement> provenance)
    {
        var html = new StringBuilder("<footer class=\"provenance\"><h2>Provenance</h2>");
        html.Append("<div class=\"grid\"><div><h3>Run</h3><table>");
        html.Append(Row("notebook", run.Notebook));
        html.Append(Row("executed", run.ExecutedHere ? "by the Notebooks.ML runner (fresh in-process kernel)" : "elsewhere (report made from the saved outputs)"));
        if (run.Started is { } started)
        {
            html.Append(Row("started", started.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)));
        }

        if (run.Finished is { } finished)
        {
            html.Append(Row("finished", finished.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)));
        }

        foreach (var (name, value) in run.Parameters)
        {
            html.Append(Row("parameter " + name, value));
        }

        html.Append("</table><h3>Versions</h3><table>");
        foreach (var (name, version) in run.Versions)
        {
            html.Append(Row(name, version));
        }

        html.Append("</table></div><div><h3>Cells</h3><table><tr><th>#</th><th>first line</th><th>seconds</th><th></th></tr>");
        foreach (var cell in cells)
        {
            var seconds = double.IsNaN(cell.Seconds) ? "" : cell.Seconds.ToString("0.00", CultureInfo.InvariantCulture);
            var outcome = cell.Outcome switch
            {
                Outcome.Failed => "<span class=\"bad\">failed</span>",
                Outcome.NotRun => "not run",
                _ => "ok",
            };
            html.Append($"<tr><td class=\"short\"><a href=\"#{cell.Anchor}\">{E(cell.Label)}</a></td><td><code>{E(cell.FirstLine)}</code></td><td class=\"num\">{seconds}</td><td class=\"short\">{outcome}</td></tr>");
        }

        html.Append("</table></div></div>");
        if (provenance.Count > 0)
        {
            // The data fingerprint identifies the data; the source file's differs when options changed rows or values.
            html.Append("<h3>Data and models</h3><table><tr><th>kind</th><th>name</th><th>data fingerprint</th><th>source file</th><th>seed</th><th>detail</th></tr>");
            foreach (var item in provenance)
            {
                var fingerprint = Get(item, "fingerprint");
                var source = Get(item, "source") switch
                {
                    "" or "null" => "",
                    var same when same == fingerprint => "the same (the file as it is)",
                    var other => $"<code>{E(other)}</code>",
                };
                html.Append($"<tr><td class=\"short\">{E(Get(item, "kind"))}</td><td class=\"short\"><code>{E(Get(item, "name"))}</code></td><td><code>{E(fingerprint)}</code></td><td>{source}</td><td class=\"short\">{E(Get(item, "seed"))}</td><td>{E(Get(item, "detail"))}</td></tr>");
            }

            html.Append("</table>");
        }

        return html.Append("</footer>\n").ToString();
    }

    private static string Get(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText() : "";

    private static string Row(string name, string value) => $"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>";

    private static string FirstLine(string code) => CellNames.FirstLine(code, 70);

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    [GeneratedRegex(@"data-nbml-provenance=""([^""]*)""")]
    private static partial Regex ProvenanceAttribute();

    [GeneratedRegex("""<script[^>]*\bsrc\s*=\s*["']?https?://[^>]*>\s*</script>""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalScript();

    private const string Css = """
        :root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--code:#f6f8fa;--accent:#4C78A8;--bad:#b91c1c}
        *{box-sizing:border-box}
        body{margin:0;background:#fafafa;color:var(--fg);font:15px/1.55 Inter,"Segoe UI",Helvetica,Arial,sans-serif}
        main{max-width:1100px;margin:0 auto;padding:28px 28px 60px;background:#fff;min-height:100vh}
        header{border-bottom:1px solid var(--line);margin-bottom:18px;padding-bottom:2px}
        h1.report-title{font-size:28px;margin:0 0 4px}
        .meta{color:var(--muted);margin:0 0 14px}
        .ok{color:#15803d;font-weight:600}.bad{color:var(--bad);font-weight:600}
        .cell{margin:14px 0}
        .cell.markdown h1{font-size:24px}.cell.markdown h2{font-size:20px;margin-top:26px}
        .cell.markdown code,.meta code{background:var(--code);padding:1px 4px;border-radius:3px;font-size:90%}
        .cell-head{display:flex;gap:8px;align-items:center;color:var(--muted);font-size:12px;margin-bottom:2px}
        .cell-head .time{margin-left:auto}
        .tag{background:#eef2ff;color:#3730a3;border-radius:8px;padding:0 7px}
        pre{margin:0;white-space:pre-wrap;word-break:break-word;font:13px/1.5 "JetBrains Mono",Consolas,Menlo,monospace}
        pre.source{background:var(--code);border:1px solid var(--line);border-left:3px solid var(--accent);border-radius:4px;padding:8px 10px}
        .cell.failed pre.source{border-left-color:var(--bad)}
        .cell.not-run pre.source{opacity:.6}
        .status{border-radius:8px;padding:0 7px;font-weight:600}.status.failed{background:#fee2e2;color:var(--bad)}.status.not-run{background:#f3f4f6}
        .error-label{font-weight:700}
        .output{margin:8px 0 0 0;overflow-x:auto}
        pre.output{padding:6px 10px;border-left:3px solid var(--line)}
        pre.output.stderr{color:#92400e}
        pre.output.error{color:var(--bad);background:#fef2f2;border-left-color:var(--bad)}
        .chart{width:100%}
        .chart.fixed{display:inline-block;vertical-align:top;margin:0 12px 4px 0}
        footer.provenance{margin-top:40px;border-top:2px solid var(--line);padding-top:10px;font-size:13px}
        footer h2{font-size:18px}footer h3{font-size:14px;margin:14px 0 4px}
        footer .grid{display:grid;grid-template-columns:1fr 1fr;gap:24px}
        footer table{border-collapse:collapse;width:100%}
        footer th,footer td{text-align:left;border-bottom:1px solid var(--line);padding:2px 8px 2px 0;vertical-align:top;overflow-wrap:break-word}
        footer th,footer td.num,footer td.short{white-space:nowrap}
        footer td code{word-break:break-all}
        footer td.num{text-align:right}
        @media print{body{background:#fff}main{padding:0}.chart{break-inside:avoid}}
        """;
}
