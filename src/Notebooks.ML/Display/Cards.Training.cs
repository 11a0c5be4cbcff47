using System.Globalization;
using System.Text;
using Notebooks.ML.Training;
using static Notebooks.ML.Display.Html;

namespace Notebooks.ML.Display;

/// <summary>HTML cards for training results and progress.</summary>
public static partial class Cards
{
    /// <summary>Metrics, featurization and provenance of a trained model.</summary>
    public static string Model(TrainedModel model, string? variableName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var info = model.Info;
        var html = new StringBuilder();
        var task = model.Task.ToString().ToLowerInvariant();
        var data = info.DataName ?? (info.DataSource is null ? "data" : Path.GetFileName(info.DataSource));
        var into = variableName is null ? "" : $" → <code>{E(variableName)}</code>";
        html.Append($"<h3>Trained {E(info.Trainer)} · {E(task)} · predicting <code>{E(model.Label)}</code> from <code>{E(data)}</code>{into}</h3>");
        var positive = model.Task == MLTask.Binary ? $" · positive class '{E(model.Classes[1])}'" : "";
        html.Append($"<p class=\"nbml-sub\">task {E(task)} ({E(model.TaskReason)}){positive} · {info.TrainRows:N0} training rows, {info.TestRows:N0} test rows (seeded split, {info.TestFraction:P0} held out) · {Duration(info.Duration)}</p>");
        html.Append(Table(["metric (test set)", "value"], model.Metrics.Select(m => new object?[] { m.Key, m.Value })));

        html.Append("<details><summary>Features</summary>");
        html.Append(Table(["column", "as", "detail"], model.Features.Select(f => new object?[] { f.Column, f.Kind.ToString().ToLowerInvariant(), f.Detail })));
        foreach (var (column, reason) in model.Skipped)
        {
            html.Append($"<div class=\"nbml-warn\">Left out <code>{E(column)}</code>: {E(reason)}.</div>");
        }

        html.Append("</details>");
        html.Append(Provenance(model));
        return Tracked(model, variableName, Card(html.ToString())); // Run number, staleness and provenance attribute: Cards.Runs.cs (issue 7).
    }

    private static string Provenance(TrainedModel model)
    {
        var info = model.Info;
        var rows = new List<object?[]>
        {
            new object?[] { "data fingerprint", info.DataFingerprint },
            new object?[] { "data source", info.DataSource ?? "(built in code)" },
            new object?[] { "seed", info.Seed },
            new object?[] { "trainer", info.Trainer },
            new object?[] { "hyperparameters", string.Join(", ", info.Hyperparameters.Select(h => $"{h.Key}={h.Value}")) },
            new object?[] { "trained at", info.TrainedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) },
        };
        rows.AddRange(model.Versions.Select(v => new object?[] { v.Key, v.Value }));
        return "<details><summary>Provenance</summary>" + Table(["", ""], rows) + "</details>";
    }

    /// <summary>A one-line progress display, meant to be updated in place.</summary>
    public static string Progress(TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var percent = 100.0 * (progress.Step - 1) / Math.Max(1, progress.Steps - 1);
        var detail = string.IsNullOrEmpty(progress.Detail) ? "" : $" · {E(progress.Detail)}";
        return Card($"<div><span class=\"nbml-key\">{E(progress.Phase)}</span> · step {progress.Step} of {progress.Steps} · {Duration(progress.Elapsed)} elapsed{detail}</div>"
            + $"<div class=\"nbml-bar\"><div style=\"width:{percent.ToString("F0", CultureInfo.InvariantCulture)}%\"></div></div>");
    }
}
