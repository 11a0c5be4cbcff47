using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using static Notebooks.ML.Display.Html;

namespace Notebooks.ML.Display;

/// <summary>HTML cards for results: what a notebook shows after <c>#!load</c>, <c>#!profile</c> and <c>#!train</c>.</summary>
public static partial class Cards
{
    private const int PreviewRows = 5;

    /// <summary>Shape, schema (type, missing, distinct, min / max / mean per column), the first rows and the fingerprint of loaded data.</summary>
    public static string Loaded(LoadedData data, string? variableName = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var frame = data.Data;
        var html = new StringBuilder();
        var name = variableName is null ? "" : $" → <code>{E(variableName)}</code>";
        html.Append($"<h3>Loaded {E(Path.GetFileName(data.Source))}{name}</h3>");
        html.Append($"<p class=\"nbml-sub\">{frame.Rows.Count:N0} rows × {frame.Columns.Count} columns · {E(data.Format)} · {Duration(data.Duration)} · {FingerprintText(data)}</p>");
        foreach (var step in data.Steps)
        {
            html.Append($"<div class=\"nbml-sub\" style=\"margin:0 0 2px 0\">{E(step)}</div>");
        }

        html.Append(Table(
            ["column", "type", "missing", "distinct", "min", "max", "mean"],
            data.Schema.Select(c => new object?[] { c.Name, c.Type, c.Missing, new Raw(DistinctText(c.Distinct, c.DistinctIsEstimate)), Blank(c.Min), Blank(c.Max), Blank(c.Mean) })));
        html.Append(Preview(frame, PreviewRows));
        var detail = $"{Path.GetFileName(data.Source)}: {frame.Rows.Count:N0} rows × {frame.Columns.Count} columns" + (data.Steps.Count > 0 ? "; " + string.Join("; ", data.Steps) : "");
        return WithProvenance(Card(html.ToString()), new { kind = "data", name = variableName ?? DataLoader.FileStem(data.Source), fingerprint = data.Fingerprint, source = data.SourceFingerprint, seed = SeedOf(data), detail });
    }

    /// <summary>
    /// The data fingerprint, and where it differs from the file's own, the file's with the options that made the
    /// difference: <c>data fingerprint 3f2a… (file 9c1d… with --sample 1000 --seed 7)</c>.
    /// </summary>
    private static string FingerprintText(LoadedData data)
    {
        var fingerprint = $"<code title=\"{E(data.Fingerprint)}\">{E(Fingerprint.Short(data.Fingerprint))}</code>";
        if (data.Changes.Count == 0)
        {
            return $"fingerprint {fingerprint} (the file's SHA-256)";
        }

        var source = $"<code title=\"{E(data.SourceFingerprint)}\">{E(Fingerprint.Short(data.SourceFingerprint))}</code>";
        return $"data fingerprint {fingerprint} (file {source} with <code>{E(Fingerprint.Describe(data.Changes))}</code>)";
    }

    private static string SeedOf(LoadedData data) =>
        data.Changes.FirstOrDefault(c => c.Key == "seed") is { Key: not null } seed ? seed.Value : "";

    /// <summary>Per-column statistics of a profile: counts, quantiles for numbers, the most frequent values for categories.</summary>
    public static string Profile(DataProfile profile, string? variableName = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var html = new StringBuilder();
        var name = variableName is null ? "" : $" <code>{E(variableName)}</code>";
        html.Append($"<h3>Profile of{name}</h3>");
        html.Append($"<p class=\"nbml-sub\">{profile.Rows:N0} rows × {profile.Columns.Count} columns</p>");
        var numeric = profile.Columns.Where(c => c.IsNumeric).ToArray();
        if (numeric.Length > 0)
        {
            html.Append(Table(
                ["numeric column", "type", "count", "missing", "distinct", "mean", "std", "min", "25%", "50%", "75%", "max"],
                numeric.Select(c => new object?[] { c.Name, c.Type, c.Count, c.Missing, new Raw(DistinctText(c.Distinct, c.DistinctIsEstimate)), Blank(c.Mean), Blank(c.StandardDeviation), Blank(c.Min), Blank(c.Q1), Blank(c.Median), Blank(c.Q3), Blank(c.Max) })));
        }

        var other = profile.Columns.Where(c => !c.IsNumeric).ToArray();
        if (other.Length > 0)
        {
            html.Append(Table(
                ["column", "type", "count", "missing", "distinct", "most frequent"],
                other.Select(c => new object?[] { c.Name, c.Type, c.Count, c.Missing, new Raw(DistinctText(c.Distinct, c.DistinctIsEstimate)), TopText(c) })));
        }

        return Card(html.ToString());
    }

    /// <summary>The first rows of a DataFrame as a table.</summary>
    public static string Preview(DataFrame frame, int rows)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var count = (int)Math.Min(rows, frame.Rows.Count);
        return Table(
            frame.Columns.Select(c => c.Name),
            Enumerable.Range(0, count).Select(r => frame.Columns.Select(c => c[r])));
    }

    private static string DistinctText(long distinct, bool estimate) =>
        estimate ? "≈ " + distinct.ToString("N0", CultureInfo.InvariantCulture) : distinct.ToString(CultureInfo.InvariantCulture);

    private static string TopText(ColumnProfile column) =>
        string.Join(", ", column.TopValues.Take(5).Select(t => $"{Shorten(t.Value)} ({t.Count:N0})")) + (column.Distinct > 5 ? ", …" : "");

    private static string Shorten(string value) => value.Length <= 24 ? value : value[..24] + "…";

    /// <summary>An empty cell (not "missing") where a statistic does not apply.</summary>
    private static object Blank(object? value) => value ?? new Raw("");

    /// <summary>Already formatted text for a table cell, aligned right like a number.</summary>
    private sealed record Raw(string Text)
    {
        public override string ToString() => Text;
    }
}
