using System.Globalization;

namespace Notebooks.ML.Tracking;

/// <summary>One line of a comparison: a setting or metric of each run, and whether they differ.</summary>
/// <param name="Section">What the line is about: <c>data</c>, <c>training</c>, <c>hyperparameters</c>, <c>metrics</c>, <c>versions</c>.</param>
/// <param name="Name">The setting or metric.</param>
/// <param name="First">The first run's value, or <see langword="null"/> when it has none.</param>
/// <param name="Second">The second run's value, or <see langword="null"/> when it has none.</param>
/// <param name="Differs">Whether the values differ.</param>
/// <param name="Change">For metrics, second minus first; otherwise <see langword="null"/>.</param>
public sealed record RunDifference(string Section, string Name, string? First, string? Second, bool Differs, double? Change = null);

/// <summary>Two runs side by side: what <c>#!runs compare A B</c> shows.</summary>
public sealed class RunComparison
{
    private RunComparison(Run first, Run second, IReadOnlyList<RunDifference> lines)
    {
        First = first;
        Second = second;
        Lines = lines;
    }

    /// <summary>The first run.</summary>
    public Run First { get; }

    /// <summary>The second run.</summary>
    public Run Second { get; }

    /// <summary>Every setting and metric of either run, in sections.</summary>
    public IReadOnlyList<RunDifference> Lines { get; }

    /// <summary>Only the lines that differ.</summary>
    public IReadOnlyList<RunDifference> Differences => Lines.Where(l => l.Differs).ToList();

    internal static RunComparison Of(Run first, Run second)
    {
        var lines = new List<RunDifference>();
        void Line(string section, string name, string? a, string? b) => lines.Add(new(section, name, a, b, !string.Equals(a, b, StringComparison.Ordinal)));

        Line("data", "data", first.DataName ?? first.DataSource, second.DataName ?? second.DataSource);
        Line("data", "fingerprint", first.DataFingerprint, second.DataFingerprint);
        Line("data", "source", first.DataSource, second.DataSource);
        Line("data", "source fingerprint", first.DataSourceFingerprint, second.DataSourceFingerprint);
        Line("data", "columns", Columns(first), Columns(second));
        Line("training", "label", first.Label, second.Label);
        Line("training", "task", first.Task, second.Task);
        Line("training", "trainer", first.Trainer, second.Trainer);
        Line("training", "features", string.Join(", ", first.Features), string.Join(", ", second.Features));
        Line("training", "seed", Text(first.Seed), Text(second.Seed));
        Line("training", "test fraction", Text(first.TestFraction), Text(second.TestFraction));
        Line("training", "folds", Folds(first), Folds(second));
        Line("training", "rows (train / test)", $"{first.TrainRows} / {first.TestRows}", $"{second.TrainRows} / {second.TestRows}");
        foreach (var name in Union(first.Hyperparameters.Keys, second.Hyperparameters.Keys))
        {
            Line("hyperparameters", name, first.Hyperparameters.GetValueOrDefault(name), second.Hyperparameters.GetValueOrDefault(name));
        }

        foreach (var name in Union(first.Metrics.Keys, second.Metrics.Keys))
        {
            var a = first.Metrics.TryGetValue(name, out var x) ? x : (double?)null;
            var b = second.Metrics.TryGetValue(name, out var y) ? y : (double?)null;
            lines.Add(new("metrics", name, a is null ? null : Text(a.Value), b is null ? null : Text(b.Value), a != b, a is null || b is null ? null : b - a));
        }

        foreach (var name in Union(first.Versions.Keys, second.Versions.Keys))
        {
            Line("versions", name, first.Versions.GetValueOrDefault(name), second.Versions.GetValueOrDefault(name));
        }

        Line("run", "machine", first.Machine, second.Machine);
        Line("run", "notebook", first.Notebook, second.Notebook);
        return new RunComparison(first, second, lines);
    }

    private static IEnumerable<string> Union(IEnumerable<string> a, IEnumerable<string> b) => a.Concat(b).Distinct(StringComparer.Ordinal);

    private static string Columns(Run run) => string.Join(", ", run.DataSchema.Select(c => $"{c.Name}:{c.Type}"));

    /// <summary>The number of cross-validation folds, or nothing (a dash) for a held-out split.</summary>
    private static string? Folds(Run run) => run.FoldMetrics.Count == 0 ? null : Text(run.FoldMetrics.Count);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
