using System.Text;
using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using static Notebooks.ML.Display.Html;

namespace Notebooks.ML.Display;

/// <summary>HTML cards for results: what a notebook shows after <c>#!load</c> and <c>#!train</c>.</summary>
public static partial class Cards
{
    private const int PreviewRows = 5;

    /// <summary>Shape, schema (type, missing, distinct per column), the first rows and the fingerprint of loaded data.</summary>
    public static string Loaded(LoadedData data, string? variableName = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var frame = data.Data;
        var html = new StringBuilder();
        var name = variableName is null ? "" : $" → <code>{E(variableName)}</code>";
        html.Append($"<h3>Loaded {E(Path.GetFileName(data.Source))}{name}</h3>");
        html.Append($"<p class=\"nbml-sub\">{frame.Rows.Count:N0} rows × {frame.Columns.Count} columns · {E(data.Format)} · {Duration(data.Duration)} · fingerprint <code title=\"{E(data.Fingerprint)}\">{E(Fingerprint.Short(data.Fingerprint))}</code></p>");
        html.Append(Table(
            ["column", "type", "missing", "distinct"],
            data.Schema.Select(c => new object?[] { c.Name, c.Type, c.Missing, c.Distinct })));
        html.Append(Preview(frame, PreviewRows));
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
}
