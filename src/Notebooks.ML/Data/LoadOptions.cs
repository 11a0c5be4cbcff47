namespace Notebooks.ML.Data;

/// <summary>How <see cref="DataLoader.Load(string, LoadOptions?)"/> reads a file. Every property has a sensible default.</summary>
public sealed class LoadOptions
{
    /// <summary>The file format: <c>csv</c>, <c>tsv</c>; <see langword="null"/> picks it from the extension.</summary>
    public string? Format { get; init; }

    /// <summary>The field separator; <see langword="null"/> detects it from the header line.</summary>
    public char? Separator { get; init; }

    /// <summary>When <see langword="true"/>, the first line is data and columns are named <c>Column1</c>, <c>Column2</c>, …</summary>
    public bool NoHeader { get; init; }

    /// <summary>Column types that override inference, by column name: <c>int</c>, <c>long</c>, <c>double</c>, <c>bool</c>, <c>datetime</c>, <c>string</c>.</summary>
    public IReadOnlyDictionary<string, string> Types { get; init; } = new Dictionary<string, string>();
}
