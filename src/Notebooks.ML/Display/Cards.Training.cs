using System.Globalization;
using System.Text;
using Notebooks.ML.Training;
using static Notebooks.ML.Display.Html;

namespace Notebooks.ML.Display;

/// <summary>HTML cards for training results and progress.</summary>
public static partial class Cards
{
    private const int LeaderboardRows = 15;

    /// <summary>Metrics, featurization, explanations, search leaderboard and provenance of a trained model.</summary>
    public static string Model(TrainedModel model, string? variableName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var info = model.Info;
        var html = new StringBuilder();
        var task = model.Task.ToString().ToLowerInvariant();
        var data = info.DataName ?? (info.DataSource is null ? "data" : Path.GetFileName(info.DataSource));
        var into = variableName is null ? "" : $" → <code>{E(variableName)}</code>";
        var what = model.Task == MLTask.Clustering
            ? $"{model.Info.Hyperparameters.GetValueOrDefault("NumberOfClusters", "?")} clusters of <code>{E(data)}</code>"
            : $"predicting <code>{E(model.Label)}</code> from <code>{E(data)}</code>";
        html.Append($"<h3>Trained {E(info.Trainer)} · {E(task)} · {what}{into}</h3>");
        var positive = model.Task == MLTask.Binary ? $" · positive class '{E(model.Classes[1])}'" : "";
        var rows = info.Folds is { } k
            ? $"{info.TrainRows:N0} rows, {k} folds"
            : $"{info.TrainRows:N0} training rows, {info.TestRows:N0} test rows";
        html.Append($"<p class=\"nbml-sub\">task {E(task)} ({E(model.TaskReason)}){positive} · trainer {E(info.Trainer)} ({E(info.TrainerReason)}) · {rows} · {Threads(info)} · {Duration(info.Duration)}</p>");
        html.Append($"<p class=\"nbml-sub\">{E(info.Split)}</p>");
        html.Append(Metrics(model));

        if (model.Leaderboard.Count > 0)
        {
            html.Append(Leaderboard(model));
        }

        if (model.Importance.Count > 0)
        {
            var unit = model.Task == MLTask.Clustering ? "share of rows changing cluster" : $"drop in {Evaluation.Primary(model.Task).Name}";
            html.Append($"<details><summary>Feature importance (permutation, {E(unit)})</summary>");
            html.Append(Table(["column", "importance"], model.Importance.Select(i => new object?[] { i.Column, i.Drop })));
            html.Append("</details>");
        }

        html.Append($"<details><summary>Features ({model.Features.Count} columns{(model.Skipped.Count > 0 ? $", {model.Skipped.Count} left out" : "")})</summary>");
        html.Append(Table(["column", "as", "detail"], model.Features.Select(f => new object?[] { f.Column, f.Kind.ToString().ToLowerInvariant(), f.Detail })));
        html.Append("</details>");
        foreach (var skipped in model.Skipped)
        {
            html.Append($"<div class=\"nbml-warn\">Left out <code>{E(skipped.Column)}</code>: {E(skipped.Reason)}.</div>");
        }

        html.Append(Provenance(model));
        return Tracked(model, variableName, Card(html.ToString())); // Run number, staleness and provenance attribute: Cards.Runs.cs (issue 7).
    }

    /// <summary>The metrics of a model on other data (<c>#!evaluate</c>).</summary>
    public static string Evaluated(TrainedModel model, ModelEvaluation evaluation, string modelName, string dataName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(evaluation);
        var html = new StringBuilder();
        html.Append($"<h3>Evaluated <code>{E(modelName)}</code> ({E(model.Info.Trainer)} · {E(model.Task.ToString().ToLowerInvariant())}) on <code>{E(dataName)}</code></h3>");
        html.Append($"<p class=\"nbml-sub\">{evaluation.Rows:N0} rows{(model.Task == MLTask.Clustering ? "" : $" with a label '{E(model.Label)}'")}</p>");
        html.Append(Table(["metric", "value", "at training"], evaluation.Metrics.Select(m => new object?[] { m.Key, m.Value, model.Metrics.TryGetValue(m.Key, out var t) ? t : null })));
        return Card(html.ToString());
    }

    private static string Metrics(TrainedModel model)
    {
        if (model.MetricsSpread is { } spread)
        {
            return Table(["metric (mean over folds)", "value", "± std"], model.Metrics.Select(m => new object?[] { m.Key, m.Value, spread.TryGetValue(m.Key, out var s) ? s : null }));
        }

        return Table([model.Task == MLTask.Clustering ? "metric (held-out rows)" : "metric (test set)", "value"], model.Metrics.Select(m => new object?[] { m.Key, m.Value }));
    }

    private static string Leaderboard(TrainedModel model)
    {
        var (metric, higher) = Evaluation.Primary(model.Task);
        var ranked = model.Leaderboard
            .Where(t => !double.IsNaN(t.Metric))
            .OrderByDescending(t => t.Rows)
            .ThenBy(t => higher ? -t.Metric : t.Metric)
            .ThenBy(t => t.Number)
            .Take(LeaderboardRows)
            .ToArray();
        var unfinished = model.Leaderboard.Count(t => double.IsNaN(t.Metric));
        var html = new StringBuilder($"<details open><summary>Search leaderboard ({model.Leaderboard.Count} trials, best {LeaderboardRows} shown{(unfinished > 0 ? $"; {unfinished} did not finish" : "")})</summary>");
        html.Append(Table(["trial", "trainer", "hyperparameters", "rows", $"validation {metric}", "time", "status", "worker"], ranked.Select(t => new object?[]
        {
            t.Number, t.Trainer, t.Hyperparameters.Count == 0 ? "defaults" : string.Join(", ", t.Hyperparameters.Select(h => $"{h.Key}={h.Value}")),
            t.Rows, t.Metric, Duration(t.Duration), t.Status, t.Worker,
        })));
        return html.Append("</details>").ToString();
    }

    /// <summary>"2 threads", with the reason when a trainer keeps one thread because its model depends on the count.</summary>
    private static string Threads(TrainedModelInfo info) =>
        $"{info.Threads} thread{(info.Threads == 1 ? "" : "s")}" + (info.ThreadsReason.StartsWith("one,", StringComparison.Ordinal) ? $" ({E(info.ThreadsReason[5..].Trim())})" : "");

    private static string Provenance(TrainedModel model)
    {
        var info = model.Info;
        var rows = new List<object?[]>
        {
            new object?[] { "data fingerprint", info.DataFingerprint },
            new object?[] { "data source", info.DataSource ?? "(built in code)" },
            new object?[] { "source fingerprint", info.DataSourceFingerprint ?? (info.DataSource is null ? "(built in code)" : "(not recorded)") },
            new object?[] { "seed", info.Seed },
            new object?[] { "split", info.Split },
            new object?[] { "trainer", info.Trainer },
            new object?[] { "hyperparameters", string.Join(", ", info.Hyperparameters.Select(h => $"{h.Key}={h.Value}")) },
            new object?[] { "threads", $"{info.Threads} ({info.ThreadsReason})" },
            new object?[] { "duration", Duration(info.Duration) },
            new object?[] { "trained at", info.TrainedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) },
        };
        rows.AddRange(model.Versions.Select(v => new object?[] { v.Key, v.Value }));
        return "<details><summary>Provenance</summary>" + Table(["", ""], rows) + "</details>";
    }

    /// <summary>The live progress display, meant to be updated in place: phase, fold or trial, elapsed, time left, best so far.</summary>
    public static string Progress(TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var percent = 100.0 * Math.Clamp(progress.Fraction, 0, 1);
        var parts = new List<string> { $"<span class=\"nbml-key\">{E(progress.Phase)}</span>" };
        if (progress.Counter is { } counter)
        {
            parts.Add(E(counter));
        }

        parts.Add($"{Duration(progress.Elapsed)} elapsed");
        if (progress.Remaining is { } remaining)
        {
            parts.Add($"about {Duration(remaining)} left");
        }

        if (progress.Best is { } best)
        {
            parts.Add(E(best));
        }

        var detail = string.IsNullOrEmpty(progress.Detail) ? "" : $"<div class=\"nbml-sub\">{E(progress.Detail)}</div>";
        return Card($"<div>{string.Join(" · ", parts)}</div>{detail}"
            + $"<div class=\"nbml-bar\"><div style=\"width:{percent.ToString("F0", CultureInfo.InvariantCulture)}%\"></div></div>");
    }
}
