using System.Text;
using System.Text.Json;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.DotNet.Interactive.Documents;

namespace Notebooks.Runner;

/// <summary>One cell whose outputs differed between two runs, named as <see cref="CellNames"/> does, with a short diff.</summary>
internal sealed record CellDifference(string Name, IReadOnlyList<string> Diff);

/// <summary>Compares two executed copies of a notebook cell by cell, volatile parts normalised.</summary>
internal static class Verification
{
    private const int MaxDiffLines = 8;

    public static IReadOnlyList<CellDifference> Compare(InteractiveDocument first, InteractiveDocument second)
    {
        var differences = new List<CellDifference>();
        var numbers = CellNames.Numbers(first);
        for (var i = 0; i < Math.Min(first.Elements.Count, second.Elements.Count); i++)
        {
            if (NotebookDocument.IsMarkdown(first.Elements[i]) || string.IsNullOrWhiteSpace(first.Elements[i].Contents))
            {
                continue;
            }

            var a = Text(first.Elements[i]);
            var b = Text(second.Elements[i]);
            if (a != b)
            {
                differences.Add(new CellDifference(CellNames.Name(numbers[i], first.Elements[i].Contents), Diff(a, b)));
            }
        }

        return differences;
    }

    /// <summary>The cell's outputs as normalised text, one value per line, so that a diff points at the change.</summary>
    internal static string Text(InteractiveDocumentElement cell)
    {
        var text = new StringBuilder();
        foreach (var output in cell.Outputs)
        {
            switch (output)
            {
                case TextElement t:
                    text.AppendLine(t.Text);
                    break;
                case ErrorElement e:
                    text.AppendLine("error: " + e.ErrorValue);
                    break;
                case DisplayElement d:
                    Append(text, d.Data);
                    break;
                case ReturnValueElement r:
                    Append(text, r.Data);
                    break;
            }
        }

        return Normalizer.Normalize(text.ToString());
    }

    private static void Append(StringBuilder text, IDictionary<string, object> data)
    {
        foreach (var (mime, value) in data.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var content = value is JsonElement json ? json.ToString() : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            // Break HTML and JSON into short lines: a changed number then shows on a line of its own.
            text.AppendLine(mime + ":").AppendLine((content ?? "").Replace("><", ">\n<", StringComparison.Ordinal).Replace(",\"", ",\n\"", StringComparison.Ordinal));
        }
    }

    private static List<string> Diff(string a, string b)
    {
        var model = InlineDiffBuilder.Diff(a, b, ignoreWhiteSpace: false);
        var changed = model.Lines.Where(l => l.Type is ChangeType.Deleted or ChangeType.Inserted).ToArray();
        var deleted = changed.Where(l => l.Type == ChangeType.Deleted).Select(l => l.Text).ToArray();
        var inserted = changed.Where(l => l.Type == ChangeType.Inserted).Select(l => l.Text).ToArray();
        var lines = new List<string>();
        foreach (var line in changed)
        {
            if (lines.Count == MaxDiffLines)
            {
                lines.Add("  …");
                break;
            }

            // Long lines (HTML, JSON) are shown around the first character that differs from their counterpart.
            var counterpart = line.Type == ChangeType.Deleted
                ? inserted.ElementAtOrDefault(Array.IndexOf(deleted, line.Text))
                : deleted.ElementAtOrDefault(Array.IndexOf(inserted, line.Text));
            lines.Add((line.Type == ChangeType.Deleted ? "- " : "+ ") + Window(line.Text, counterpart));
        }

        return lines;
    }

    private static string Window(string text, string? other, int width = 150)
    {
        if (text.Length <= width)
        {
            return text;
        }

        var at = 0;
        while (other is not null && at < text.Length && at < other.Length && text[at] == other[at])
        {
            at++;
        }

        var start = Math.Max(0, Math.Min(at - 40, text.Length - width));
        return (start > 0 ? "…" : "") + text.Substring(start, Math.Min(width, text.Length - start)) + (start + width < text.Length ? "…" : "");
    }
}
