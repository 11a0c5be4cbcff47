using Microsoft.DotNet.Interactive.Documents;

namespace Notebooks.Runner;

/// <summary>
/// How the runner names a cell everywhere (progress, summary, <c>--verify</c>, <c>--timeout</c>, the report): by its
/// position among all the notebook's cells, markdown included, counting from 1, as the editor shows it (VS Code's
/// "Cell 16 of 20"; Jupyter's cells counted from the top), and by its first line: <c>cell 16 (`#!train --data …`)</c>.
/// A cell that <c>-p</c> injected (tagged <c>injected-parameters</c>, by this runner or papermill) is not in the
/// user's notebook: it is "the injected parameters cell" and leaves the numbers of the cells after it as they are.
/// </summary>
internal static class CellNames
{
    private const int FirstLineLength = 60;

    /// <summary>Each element's number as the editor shows it (<see langword="null"/> for the injected parameters cell).</summary>
    public static IReadOnlyList<int?> Numbers(InteractiveDocument document)
    {
        var numbers = new List<int?>(document.Elements.Count);
        var number = 0;
        foreach (var cell in document.Elements)
        {
            numbers.Add(IsInjected(cell) ? null : ++number);
        }

        return numbers;
    }

    /// <summary>How many cells the user's notebook has (the injected parameters cell left out).</summary>
    public static int Count(InteractiveDocument document) => document.Elements.Count(c => !IsInjected(c));

    /// <summary><c>cell 16 (`#!train --data penguins`)</c>, or <c>the injected parameters cell</c>.</summary>
    public static string Name(int? number, string code) =>
        number is { } n ? $"cell {n} (`{FirstLine(code)}`)" : "the injected parameters cell";

    /// <summary><see cref="Name"/> at the start of a sentence.</summary>
    public static string Capitalized(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    /// <summary>The first line with text, shortened to <paramref name="length"/> characters.</summary>
    public static string FirstLine(string code, int length = FirstLineLength)
    {
        var line = code.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return line.Length > length ? line[..(length - 1)] + "…" : line;
    }

    private static bool IsInjected(InteractiveDocumentElement cell) => Reports.ReportWriter.Tags(cell).Contains(Parameters.InjectedTag);
}
