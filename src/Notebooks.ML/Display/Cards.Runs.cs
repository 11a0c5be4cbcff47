using System.Globalization;
using System.Text;
using System.Text.Json;
using Notebooks.ML.Data;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;
using static Notebooks.ML.Display.Html;

namespace Notebooks.ML.Display;

/// <summary>HTML cards of the experiment log (<c>#!runs</c>), and the run and staleness parts of a model's card.</summary>
public static partial class Cards
{
    private const string Changed = " style=\"background:#fef3c7\"";
    private const int MetricsInList = 3;

    /// <summary>Runs newest first: data, label, trainer, the first metrics, and a mark on runs whose data has been reloaded since.</summary>
    public static string Runs(RunList runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var html = new StringBuilder();
        var filter = Describe(runs.Filter);
        html.Append($"<h3>Runs{(filter.Length == 0 ? "" : " · " + E(filter))}</h3>");
        var shown = runs.Count == runs.Total ? $"{runs.Count:N0} run{(runs.Count == 1 ? "" : "s")}" : $"{runs.Count:N0} of {runs.Total:N0} runs";
        html.Append($"<p class=\"nbml-sub\">{shown}, newest first · <code data-nbml-volatile>{E(runs.Store)}</code></p>");
        if (runs.Count == 0)
        {
            html.Append(runs.Total == 0
                ? "<p>No runs yet: every <code>#!train</code> records one here.</p>"
                : "<p>No run matches the filter.</p>");
            return Card(html.ToString());
        }

        html.Append("<table><thead><tr><th>run</th><th>finished (UTC)</th><th>data</th><th>label</th><th>task</th><th>trainer</th><th>metrics</th><th>seed</th><th>duration</th><th></th></tr></thead><tbody>");
        foreach (var run in runs)
        {
            var metrics = string.Join(" · ", run.Metrics.Take(MetricsInList).Select(m => $"{m.Key} {Number(m.Value)}"));
            var stale = run.Stale is null ? "" : $"<span class=\"nbml-pill\" style=\"background:#fef3c7;color:#92400e\" title=\"{E(run.Stale)}\">stale</span>";
            html.Append($"<tr{(run.Stale is null ? "" : " data-nbml-stale")}><td><b data-nbml-volatile>{E(run.Name)}</b></td><td>{E(Time(run.EndedAt))}</td>")
                .Append($"<td>{E(run.DataName ?? FileName(run.DataSource) ?? "data")} <code title=\"{E(FingerprintTitle(run.DataFingerprint, run.DataSourceFingerprint))}\">{E(Fingerprint.Short(run.DataFingerprint))}</code></td>")
                .Append($"<td>{E(run.Label)}</td><td>{E(run.Task)}</td><td>{E(run.Trainer)}</td><td>{E(metrics)}</td>")
                .Append($"<td class=\"num\">{run.Seed}</td><td class=\"num\">{E(Duration(run.Duration))}</td><td>{stale}</td></tr>");
        }

        html.Append("</tbody></table>");
        if (runs.Any(r => r.Stale is not null))
        {
            html.Append("<div class=\"nbml-warn\">Runs marked <b>stale</b> were trained on data that has since been reloaded with other content; their metrics describe the old data.</div>");
        }

        return Card(html.ToString());
    }

    /// <summary>Everything a run recorded: metrics (per fold too), settings, data, model file, versions.</summary>
    public static string Run(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var html = new StringBuilder();
        var data = run.DataName ?? FileName(run.DataSource) ?? "data";
        html.Append($"<h3>Run <span data-nbml-volatile>{E(run.Name)}</span> · {E(run.Trainer)} · {E(run.Task)} · predicting <code>{E(run.Label)}</code> from <code>{E(data)}</code></h3>");
        html.Append($"<p class=\"nbml-sub\">finished {E(Time(run.EndedAt))} · {E(Duration(run.Duration))} · {run.TrainRows:N0} training rows, {run.TestRows:N0} test rows{(run.FoldMetrics.Count > 0 ? $" · {run.FoldMetrics.Count} folds" : "")} · seed {run.Seed}</p>");
        if (run.Stale is not null)
        {
            html.Append(StaleBanner(run.Stale));
        }

        html.Append(Table(["metric", "value"], run.Metrics.Select(m => new object?[] { m.Key, m.Value })));
        if (run.FoldMetrics.Count > 0)
        {
            var names = run.FoldMetrics.SelectMany(f => f.Keys).Distinct(StringComparer.Ordinal).ToList();
            html.Append("<details><summary>Folds</summary>");
            html.Append(Table(["fold", .. names], run.FoldMetrics.Select((f, i) => new object?[] { i + 1 }.Concat(names.Select(n => f.TryGetValue(n, out var v) ? (object?)v : null)))));
            html.Append("</details>");
        }

        html.Append("<details open><summary>Settings</summary>");
        var settings = new List<object?[]>
        {
            new object?[] { "trainer", run.Trainer },
            new object?[] { "task", run.Task },
            new object?[] { "label", run.Label },
            new object?[] { "features", string.Join(", ", run.Features) },
            new object?[] { "seed", run.Seed },
            new object?[] { "test fraction", run.TestFraction },
        };
        settings.AddRange(run.Hyperparameters.Select(h => new object?[] { h.Key, h.Value }));
        html.Append(Table(["", ""], settings)).Append("</details>");

        html.Append("<details><summary>Data</summary>");
        html.Append(Table(["", ""],
        [
            ["name", run.DataName],
            ["source", run.DataSource ?? "(built in code)"],
            ["data fingerprint", run.DataFingerprint],
            ["source fingerprint", run.DataSourceFingerprint ?? "(built in code)"],
            ["columns", string.Join(", ", run.DataSchema.Select(c => $"{c.Name}:{c.Type}"))],
        ]));
        html.Append("</details>");

        html.Append("<details><summary>Provenance</summary>");
        var provenance = new List<object?[]>
        {
            new object?[] { "run key", run.Key },
            new object?[] { "started", Time(run.StartedAt) },
            new object?[] { "finished", Time(run.EndedAt) },
            new object?[] { "notebook", run.Notebook },
            new object?[] { "model variable", run.ModelVariable },
            new object?[] { "model file", run.ModelPath ?? "(not saved)" },
            new object?[] { "model fingerprint", run.ModelHash },
            new object?[] { "machine", run.Machine },
            new object?[] { "user", run.User },
        };
        provenance.AddRange(run.Versions.Select(v => new object?[] { v.Key, v.Value }));
        html.Append(Table(["", ""], provenance));
        if (!string.IsNullOrWhiteSpace(run.Cell))
        {
            html.Append($"<pre style=\"background:#f3f4f6;padding:6px 8px;border-radius:4px;white-space:pre-wrap\">{E(run.Cell)}</pre>");
        }

        html.Append("</details>");
        var detail = $"run {run.Name}: {run.Trainer} {run.Task}, label {run.Label}" + (run.Stale is null ? "" : " (stale)");
        return WithProvenance(Card(html.ToString()), new { kind = "run", name = run.Name, fingerprint = run.DataFingerprint, source = run.DataSourceFingerprint, seed = run.Seed, detail });
    }

    /// <summary>Two runs side by side, the lines that differ highlighted, metric changes as second minus first.</summary>
    public static string Comparison(RunComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var (a, b) = (comparison.First, comparison.Second);
        var html = new StringBuilder();
        var differing = comparison.Lines.Count(l => l.Differs);
        html.Append($"<h3>Run <span data-nbml-volatile>{E(a.Name)}</span> vs <span data-nbml-volatile>{E(b.Name)}</span></h3>");
        html.Append($"<p class=\"nbml-sub\">{differing} of {comparison.Lines.Count} lines differ (highlighted) · change = <span data-nbml-volatile>{E(b.Name)}</span> − <span data-nbml-volatile>{E(a.Name)}</span></p>");
        foreach (var run in new[] { a, b }.Where(r => r.Stale is not null))
        {
            html.Append(StaleBanner($"{run.Name}: {run.Stale}"));
        }

        html.Append($"<table><thead><tr><th></th><th data-nbml-volatile>{E(a.Name)}</th><th data-nbml-volatile>{E(b.Name)}</th><th>change</th></tr></thead><tbody>");
        string? section = null;
        foreach (var line in comparison.Lines)
        {
            if (line.Section != section)
            {
                section = line.Section;
                html.Append($"<tr><th colspan=\"4\">{E(section)}</th></tr>");
            }

            var change = line.Change is { } delta
                ? $"<td class=\"num\" style=\"color:{(delta == 0 ? "#6b7280" : Better(line.Name, delta) ? "#15803d" : "#b91c1c")}\">{(delta > 0 ? "+" : "")}{E(Number(delta))}</td>"
                : "<td></td>";
            html.Append($"<tr{(line.Differs ? Changed + " data-nbml-differs" : "")}><td class=\"nbml-key\">{E(line.Name)}</td>{Value(line, line.First)}{Value(line, line.Second)}{change}</tr>");
        }

        html.Append("</tbody></table>");
        return Card(html.ToString());
    }

    /// <summary>
    /// The run parts of a model's card (called once, from <see cref="Model"/>): the provenance attribute on the card's
    /// root, a banner when the model is stale, and the run number, model file and staleness in its Provenance table.
    /// </summary>
    internal static string Tracked(TrainedModel model, string? variableName, string card)
    {
        var info = model.Info;
        var run = ModelRuns.RunOf(model);
        var stale = ModelRuns.Staleness(model);
        var problem = ModelRuns.ProblemOf(model);
        var name = variableName ?? run?.ModelVariable ?? "model";
        var metric = model.Metrics.FirstOrDefault();
        var detail = $"{info.Trainer} {model.Task.ToString().ToLowerInvariant()}, label {model.Label}"
                     + (metric.Key is null ? "" : $", {metric.Key}={Number(metric.Value)}")
                     + (stale is null ? "" : " (stale)");
        // The run number is left out on purpose: it grows with every run, and reports of two runs must compare equal.
        card = WithProvenance(card, new { kind = "model", name, fingerprint = info.DataFingerprint, source = info.DataSourceFingerprint, seed = info.Seed, detail });

        var banner = new StringBuilder();
        if (stale is not null)
        {
            banner.Append(StaleBanner(stale));
        }

        if (problem is not null)
        {
            banner.Append($"<div class=\"nbml-warn\">This training run was not recorded: {E(problem)}</div>");
        }

        if (banner.Length > 0)
        {
            card = InsertAfter(card, "</h3>", banner.ToString());
        }

        var rows = new StringBuilder();
        if (run is not null)
        {
            rows.Append($"<tr><td>run</td><td><b data-nbml-volatile>{E(run.Name)}</b> in <code data-nbml-volatile>{E(ModelRuns.StoreOf(model))}</code> (see <code>#!runs show <span data-nbml-volatile>{E(run.Id.ToString(CultureInfo.InvariantCulture))}</span></code>)</td></tr>");
            rows.Append($"<tr><td>model file</td><td data-nbml-volatile>{E(run.ModelPath ?? "(not saved)")}</td></tr>");
        }

        rows.Append($"<tr><td>data status</td><td>{(stale is null ? "current" : "<b style=\"color:#92400e\">stale</b>: " + E(stale))}</td></tr>");
        var provenance = card.IndexOf("<summary>Provenance</summary>", StringComparison.Ordinal);
        var body = provenance < 0 ? -1 : card.IndexOf("<tbody>", provenance, StringComparison.Ordinal);
        return body >= 0
            ? card.Insert(body + "<tbody>".Length, rows.ToString())
            : InsertBeforeEnd(card, $"<table><tbody>{rows}</tbody></table>");
    }

    /// <summary>
    /// The <c>data-nbml-provenance</c> attribute (with a leading space) that the runner's report footer collects:
    /// <paramref name="provenance"/> as JSON (keys kind, name, fingerprint — the data fingerprint —, source — the source
    /// file's fingerprint, or null —, seed, detail), encoded for an HTML attribute.
    /// </summary>
    internal static string ProvenanceAttribute(object provenance) =>
        $" data-nbml-provenance=\"{E(JsonSerializer.Serialize(provenance))}\"";

    /// <summary>Puts the provenance attribute on a card's root element.</summary>
    private static string WithProvenance(string card, object provenance)
    {
        const string root = "<div class=\"nbml\"";
        return card.StartsWith(root, StringComparison.Ordinal)
            ? root + ProvenanceAttribute(provenance) + card[root.Length..]
            : card;
    }

    private static string StaleBanner(string reason) =>
        $"<div class=\"nbml-warn\" data-nbml-stale><b>Stale.</b> {E(reason)}</div>";

    private static string InsertAfter(string html, string marker, string insert)
    {
        var at = html.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? InsertBeforeEnd(html, insert) : html.Insert(at + marker.Length, insert);
    }

    private static string InsertBeforeEnd(string html, string insert)
    {
        var end = html.LastIndexOf("</div>", StringComparison.Ordinal);
        return end < 0 ? html + insert : html.Insert(end, insert);
    }

    private static string Value(RunDifference line, string? value) => value switch
    {
        null => "<td class=\"nbml-missing\">—</td>",
        _ when line.Section == "metrics" && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => $"<td class=\"num\">{E(Number(number))}</td>",
        _ when line.Name is "fingerprint" or "source fingerprint" => $"<td><code title=\"{E(value)}\">{E(Fingerprint.Short(value))}</code></td>",
        _ => $"<td style=\"white-space:normal;max-width:420px\">{E(value)}</td>",
    };

    private static bool Better(string metric, double change) => RunCharts.LowerIsBetter(metric) ? change < 0 : change > 0;

    private static string Describe(RunFilter filter) => string.Join(" · ", new[]
    {
        filter.Data is null ? null : $"data {filter.Data}",
        filter.Label is null ? null : $"label {filter.Label}",
        filter.Trainer is null ? null : $"trainer {filter.Trainer}",
    }.Where(p => p is not null));

    private static string? FileName(string? path) => path is null ? null : Path.GetFileName(path);

    private static string FingerprintTitle(string data, string? source) =>
        source is null || source == data ? data : $"data {data}\nfile {source}";

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
