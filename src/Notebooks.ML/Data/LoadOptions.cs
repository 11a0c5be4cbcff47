namespace Notebooks.ML.Data;

/// <summary>How <see cref="DataLoader.Load(string, LoadOptions?)"/> reads a file. Every property has a sensible default.</summary>
public sealed class LoadOptions
{
    /// <summary>
    /// The file format: <c>csv</c>, <c>tsv</c>, <c>json</c> (an array of objects), <c>jsonl</c> (one object per line)
    /// or <c>parquet</c>; <see langword="null"/> picks it from the extension, then from the content.
    /// </summary>
    public string? Format { get; init; }

    /// <summary>The field separator of delimited text; <see langword="null"/> detects it from the header line.</summary>
    public char? Separator { get; init; }

    /// <summary>
    /// The text encoding of CSV, TSV and JSON files: <c>utf-8</c>, <c>windows-1252</c>, <c>latin1</c>, <c>utf-16</c>,
    /// <c>utf-16be</c>, <c>ascii</c> or another name .NET knows; <see langword="null"/> reads UTF-8 (a UTF-16 byte
    /// order mark is honoured) and, when the bytes are not valid UTF-8, reads the file as Windows-1252 (as Excel writes
    /// CSV) and says so on the card.
    /// </summary>
    public string? Encoding { get; init; }

    /// <summary>When <see langword="true"/>, the first line is data and columns are named <c>Column1</c>, <c>Column2</c>, …</summary>
    public bool NoHeader { get; init; }

    /// <summary>Column types that override inference, by column name: <c>int</c>, <c>long</c>, <c>double</c>, <c>bool</c>, <c>datetime</c>, <c>string</c>.</summary>
    public IReadOnlyDictionary<string, string> Types { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// A SQL query over the file, run by DuckDB. The file is the table <c>data</c> (and also its name made an
    /// identifier, e.g. <c>iris</c>): <c>SELECT Species, avg("Petal.Length") FROM data GROUP BY Species</c>.
    /// </summary>
    public string? Sql { get; init; }

    /// <summary>
    /// Derived columns, <c>NAME = C# expression</c>, computed in order over every row (a later one may use an
    /// earlier one). See <see cref="Where"/> for how an expression names columns.
    /// </summary>
    public IReadOnlyList<string> Derive { get; init; } = [];

    /// <summary>
    /// A C# predicate that keeps the rows for which it is true, e.g. <c>price &gt; 1000 &amp;&amp; cut == "Ideal"</c>. A column
    /// is a variable named like the column, with characters that cannot appear in a C# name replaced by <c>_</c>
    /// (<c>first name</c> → <c>first_name</c>, <c>od280/od315</c> → <c>od280_od315</c>, a leading digit gets a <c>_</c>
    /// prefix, a C# keyword an <c>@</c>); <c>row["first name"]</c> reads any column by its exact name as an object.
    /// Numbers with missing values are <c>double.NaN</c> (double columns) or <see langword="null"/> (nullable
    /// int/long/bool/DateTime columns); missing text is <see langword="null"/>.
    /// </summary>
    public string? Where { get; init; }

    /// <summary>Keep this many rows, drawn at random without replacement (in file order), after <see cref="Where"/>.</summary>
    public int? Sample { get; init; }

    /// <summary>The seed of <see cref="Sample"/>: the same seed and data give the same rows (default 1).</summary>
    public int? Seed { get; init; }

    /// <summary>
    /// How many cores parse: for delimited text, <see langword="null"/> uses every core for files of 4 MB and more when
    /// the machine has at least four; <c>1</c> parses on the calling thread only (less CPU in all, which suits a busy
    /// machine); 2 or more forces the multi-core reader. Parquet columns are read by this many cores (default: all).
    /// </summary>
    public int? Parallelism { get; init; }
}
